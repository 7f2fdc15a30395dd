#include "store/sqlite_store.h"

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include "store/migrations.h"
#include "store/sqlite.h"

namespace openkap::store {

void Store::write_and_wait(WriteWork work) {
  std::promise<void> done;
  std::exception_ptr job_error;
  submit(
      [&](StoreSession& s) {
        try {
          work(s);
        } catch (...) {
          job_error = std::current_exception();
          throw;
        }
      },
      [&](bool committed, const std::string& error) {
        if (committed)
          done.set_value();
        else
          done.set_exception(std::make_exception_ptr(std::runtime_error(error)));
      });
  auto f = done.get_future();
  try {
    f.get();
  } catch (...) {
    if (job_error) std::rethrow_exception(job_error);
    throw;
  }
}

namespace {

void configure_writer(Database& db) {
  db.exec("PRAGMA journal_mode = WAL");
  // FULL: the WAL is fsynced at every commit, so an acknowledged write survives power loss.
  // Group commit keeps this affordable: one fsync covers every job in the batch.
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA wal_autocheckpoint = 4000");
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(SqliteOptions o) : options_(std::move(o)) {
    const auto parent = std::filesystem::path(options_.path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    writer_db_ = std::make_unique<Database>(options_.path, Database::Mode::read_write);
    configure_writer(*writer_db_);
    migrate(*writer_db_);
    writer_session_ = make_sqlite_session(*writer_db_);
    writer_ = std::thread([this] { writer_loop(); });
  }
  ~SqliteStore() override { close(); }

  std::unique_ptr<StoreSession> open_reader() override {
    struct ReaderSession final : StoreSession {
      explicit ReaderSession(const std::string& path)
          : db(path, Database::Mode::read_only), inner(make_sqlite_session(db)) {}
      UserRepository& users() override { return inner->users(); }
      SessionRepository& sessions() override { return inner->sessions(); }
      PatientRepository& patients() override { return inner->patients(); }
      AuditRepository& audit() override { return inner->audit(); }
      SettingsRepository& settings() override { return inner->settings(); }
      void begin_read() override { inner->begin_read(); }
      void end_read() override { inner->end_read(); }
      Database db;
      std::unique_ptr<StoreSession> inner;
    };
    return std::make_unique<ReaderSession>(options_.path);
  }

  void submit(WriteWork work, WriteDone done) override {
    {
      std::lock_guard lock(mu_);
      if (stopping_) {
        done(false, "the store is shutting down");
        return;
      }
      queue_.push_back({std::move(work), std::move(done)});
    }
    cv_.notify_one();
  }

  void close() override {
    {
      std::lock_guard lock(mu_);
      if (stopping_ && !writer_.joinable()) return;
      stopping_ = true;
    }
    cv_.notify_one();
    if (writer_.joinable()) writer_.join();
    writer_session_.reset();
    if (writer_db_) {
      try {
        writer_db_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
      } catch (...) {  // readers may still hold snapshots; the WAL is replayed on next open
      }
    }
    writer_db_.reset();
  }

  bool healthy() override {
    try {
      Database probe(options_.path, Database::Mode::read_only);
      auto st = probe.prepare("SELECT 1");
      return st.step();
    } catch (...) {
      return false;
    }
  }

 private:
  struct Job {
    WriteWork work;
    WriteDone done;
  };

  // One thread owns the write connection. It takes everything queued, runs each job in its own
  // savepoint inside one transaction, commits once (one fsync), then acknowledges each job.
  void writer_loop() {
    std::vector<Job> batch;
    std::vector<std::string> errors;
    for (;;) {
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty() && stopping_) return;
        while (!queue_.empty() && batch.size() < options_.max_batch) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      errors.assign(batch.size(), std::string());
      std::string commit_error;
      try {
        // Prepared (cached) statements: re-parsing SAVEPOINT/RELEASE for every job was measurable.
        auto& db = *writer_db_;
        db.prepare("BEGIN IMMEDIATE").run();
        for (size_t i = 0; i < batch.size(); ++i) {
          db.prepare("SAVEPOINT job").run();
          try {
            batch[i].work(*writer_session_);
            db.prepare("RELEASE job").run();
          } catch (const std::exception& e) {
            errors[i] = e.what();
            db.prepare("ROLLBACK TO job").run();
            db.prepare("RELEASE job").run();
          } catch (...) {
            errors[i] = "unknown error";
            db.prepare("ROLLBACK TO job").run();
            db.prepare("RELEASE job").run();
          }
        }
        db.prepare("COMMIT").run();
      } catch (const std::exception& e) {
        commit_error = e.what();
        try {
          writer_db_->exec("ROLLBACK");
        } catch (...) {
        }
      }
      for (size_t i = 0; i < batch.size(); ++i) {
        const std::string& err = commit_error.empty() ? errors[i] : commit_error;
        batch[i].done(err.empty(), err);
      }
      batch.clear();
    }
  }

  SqliteOptions options_;
  std::unique_ptr<Database> writer_db_;
  std::unique_ptr<StoreSession> writer_session_;
  std::thread writer_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const SqliteOptions& options) {
  return std::make_unique<SqliteStore>(options);
}

}  // namespace openkap::store
