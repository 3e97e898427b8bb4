// Line splitting, tail keeping and raw capture of a step's output.
#include "runtime/exec/output_collector.h"

#include <unistd.h>

#include <cerrno>

namespace strata::exec {

OutputCollector::OutputCollector(std::function<void(llvm::StringRef)> on_line, int file_fd,
                                 size_t tail_lines)
    : on_line_(std::move(on_line)), file_fd_(file_fd), tail_lines_(tail_lines) {}

void OutputCollector::Append(const char* data, size_t size) {
  if (file_fd_ >= 0 && file_errno_ == 0) {
    size_t done = 0;
    while (done < size) {
      ssize_t n = ::write(file_fd_, data + done, size - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        file_errno_ = errno;
        break;
      }
      done += static_cast<size_t>(n);
    }
  }
  llvm::StringRef rest(data, size);
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    if (nl == llvm::StringRef::npos) {
      partial_.append(rest.data(), rest.size());
      while (partial_.size() >= kMaxLine) {
        EmitLine(llvm::StringRef(partial_).take_front(kMaxLine));
        partial_.erase(0, kMaxLine);
      }
      return;
    }
    if (partial_.empty()) {
      EmitLine(rest.take_front(nl));
    } else {
      partial_.append(rest.data(), nl);
      EmitLine(partial_);
      partial_.clear();
    }
    rest = rest.drop_front(nl + 1);
  }
}

void OutputCollector::Finish() {
  if (partial_.empty()) return;
  EmitLine(partial_);
  partial_.clear();
}

void OutputCollector::EmitLine(llvm::StringRef line) {
  if (line.endswith("\r")) line = line.drop_back();
  if (on_line_) on_line_(line);
  if (tail_lines_ == 0) return;
  if (tail_.size() == tail_lines_) tail_.pop_front();
  tail_.push_back(line.str());
}

}  // namespace strata::exec
