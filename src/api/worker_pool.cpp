#include "api/worker_pool.h"

#include "api/log.h"

namespace openkap::api {

WorkerPool::WorkerPool(store::Store& store, size_t threads) {
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this, &store] { run(&store); });
}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::post(Task task) {
  {
    std::lock_guard lock(mu_);
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void WorkerPool::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void WorkerPool::run(store::Store* store) {
  std::unique_ptr<store::StoreSession> session = store->open_reader();
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    try {
      task(*session);
    } catch (const std::exception& e) {  // tasks answer their own errors; this is a last guard
      log_event(LogLevel::error, "worker task failed", {{"error", e.what()}});
    }
  }
}

}  // namespace openkap::api
