// Splits a step's combined output into lines for a callback, a capture file and a tail.
#pragma once

#include <llvm/ADT/StringRef.h>

#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace strata::exec {

class OutputCollector {
 public:
  // `file_fd` (-1 for none) receives the raw bytes; it is not owned.
  OutputCollector(std::function<void(llvm::StringRef)> on_line, int file_fd, size_t tail_lines);

  void Append(const char* data, size_t size);
  // Flushes a last line that has no '\n'.
  void Finish();
  std::vector<std::string> Tail() const { return {tail_.begin(), tail_.end()}; }
  // Set when writing the capture file failed (the run goes on; the caller reports it).
  int FileErrno() const { return file_errno_; }

  // Longer lines are cut into pieces of this size, so one huge line cannot exhaust memory.
  static constexpr size_t kMaxLine = 64 * 1024;

 private:
  void EmitLine(llvm::StringRef line);

  std::function<void(llvm::StringRef)> on_line_;
  int file_fd_;
  int file_errno_ = 0;
  size_t tail_lines_;
  std::string partial_;
  std::deque<std::string> tail_;
};

}  // namespace strata::exec
