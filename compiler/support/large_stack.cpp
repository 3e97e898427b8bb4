// Runs work on a thread with a large stack (pthread attributes; std::thread cannot set it).
#include "compiler/support/large_stack.h"

#include <pthread.h>

#include <exception>
#include <stdexcept>

namespace strata::support {
namespace {

struct Task {
  const std::function<void()>* work;
  std::exception_ptr error;
};

void* RunTask(void* arg) {
  auto* task = static_cast<Task*>(arg);
  try {
    (*task->work)();
  } catch (...) {
    task->error = std::current_exception();
  }
  return nullptr;
}

}  // namespace

void RunOnLargeStack(const std::function<void()>& work, size_t stack_bytes) {
  Task task{&work, nullptr};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack_bytes);
  pthread_t thread;
  int rc = pthread_create(&thread, &attr, RunTask, &task);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    work();  // could not make a thread: run here, with the phases' depth guards as the net
    return;
  }
  pthread_join(thread, nullptr);
  if (task.error) std::rethrow_exception(task.error);
}

}  // namespace strata::support
