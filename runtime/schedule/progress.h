// Build progress: one event per node as it starts, hits the cache, finishes or fails, shown as
// plain lines, JSON objects or a live view on a terminal (all on stderr).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

namespace strata::schedule {

struct ProgressEvent {
  enum class Type { kStart, kCached, kDone, kFailed, kLog };
  Type type = Type::kStart;
  std::string key;          // 32 hex
  std::string op;           // "exec", "copy", ...
  std::string description;  // "RUN make", "COPY src /app", ...
  int index = 0;            // 1-based position among the nodes this build visits
  int total = 0;
  double seconds = 0;       // kDone, kFailed
  int64_t layer_size = -1;  // kDone of a node that added a layer (compressed bytes); else -1
  std::string message;      // kLog: one output line; kFailed: the error
  bool remote = false;      // kCached: the output was fetched from the remote cache (--cache-from)
};

// Receives events from the executor's worker threads; implementations serialise them.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void Report(const ProgressEvent& event) = 0;
  // Called once when the build ends (the live view clears its status lines).
  virtual void Finish() {}
};

enum class ProgressMode { kAuto, kPlain, kJson };

// "auto" picks the live view when `is_tty`, plain lines otherwise.
std::unique_ptr<ProgressSink> MakeProgress(ProgressMode mode, std::ostream& out, bool is_tty);

// "1.5 KB", "12.0 MB": sizes in progress lines.
std::string HumanSize(int64_t bytes);

// Records events in memory (tests).
class RecordingProgress : public ProgressSink {
 public:
  void Report(const ProgressEvent& event) override;
  std::vector<ProgressEvent> Events() const;
  // How many events of this type.
  size_t Count(ProgressEvent::Type type) const;

 private:
  mutable std::mutex mu_;
  std::vector<ProgressEvent> events_;
};

}  // namespace strata::schedule
