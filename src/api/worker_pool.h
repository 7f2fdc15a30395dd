// A fixed set of threads, each with its own read-only store session, taking tasks in order.
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/repositories.h"

namespace openkap::api {

class WorkerPool {
 public:
  using Task = std::function<void(store::StoreSession&)>;
  WorkerPool(store::Store& store, size_t threads);
  ~WorkerPool();
  void post(Task task);
  void stop();  // finishes queued tasks, then joins

 private:
  void run(store::Store* store);
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace openkap::api
