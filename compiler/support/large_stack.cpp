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
  size_t stack_bytes;
};

// The stack size of the large-stack thread this is (0 on other threads). Work asked for from
// one runs right there: a new thread per parsed file cost a thread hand-off each, which on a
// busy machine was most of the time of evaluating a 1,000-package workspace.
thread_local size_t tls_stack_bytes = 0;

void* RunTask(void* arg) {
  auto* task = static_cast<Task*>(arg);
  tls_stack_bytes = task->stack_bytes;
  try {
    (*task->work)();
  } catch (...) {
    task->error = std::current_exception();
  }
  return nullptr;
}

}  // namespace

void RunOnLargeStack(const std::function<void()>& work, size_t stack_bytes) {
  // Nested: the outer work is shallow where it starts inner work (a command parsing a file),
  // and each phase's own depth guard stays the limit.
  if (tls_stack_bytes >= stack_bytes) {
    work();
    return;
  }
  Task task{&work, nullptr, stack_bytes};
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
