// Build progress as plain lines, JSON objects, or a live view redrawn with ANSI escapes.
#include "runtime/schedule/progress.h"

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

namespace strata::schedule {
namespace {

const char* TypeName(ProgressEvent::Type type) {
  switch (type) {
    case ProgressEvent::Type::kStart:
      return "start";
    case ProgressEvent::Type::kCached:
      return "cached";
    case ProgressEvent::Type::kDone:
      return "done";
    case ProgressEvent::Type::kFailed:
      return "failed";
    case ProgressEvent::Type::kLog:
      return "log";
  }
  return "?";
}

std::string Seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1fs", seconds);
  return text;
}

// `[3/7] done   exec 9949e966 RUN make (1.2s, layer 4.1 MB)`
std::string PlainLine(const ProgressEvent& event) {
  std::string line = "[" + std::to_string(event.index) + "/" + std::to_string(event.total) + "] ";
  std::string type = TypeName(event.type);
  line += type + std::string(7 - type.size(), ' ');
  line += event.op + " " + event.key.substr(0, 8) + " " + event.description;
  if (event.type == ProgressEvent::Type::kDone) {
    line += " (" + Seconds(event.seconds);
    if (event.layer_size >= 0) line += ", layer " + HumanSize(event.layer_size);
    line += ")";
  }
  if (event.type == ProgressEvent::Type::kFailed) line += " (" + Seconds(event.seconds) + ")";
  if (event.type == ProgressEvent::Type::kCached && event.remote) line += " (remote cache)";
  return line;
}

class PlainProgress : public ProgressSink {
 public:
  explicit PlainProgress(std::ostream& out) : out_(out) {}
  void Report(const ProgressEvent& event) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (event.type == ProgressEvent::Type::kLog)
      out_ << "       " << event.key.substr(0, 8) << " | " << event.message << "\n";
    else
      out_ << PlainLine(event) << "\n";
    out_.flush();
  }

 private:
  std::mutex mu_;
  std::ostream& out_;
};

class JsonProgress : public ProgressSink {
 public:
  explicit JsonProgress(std::ostream& out) : out_(out) {}
  void Report(const ProgressEvent& event) override {
    nlohmann::json line = {
        {"event", TypeName(event.type)},    {"key", event.key},     {"op", event.op},
        {"description", event.description}, {"index", event.index}, {"total", event.total}};
    if (event.type == ProgressEvent::Type::kDone || event.type == ProgressEvent::Type::kFailed)
      line["seconds"] = event.seconds;
    if (event.layer_size >= 0) line["layer_size"] = event.layer_size;
    if (event.remote) line["remote"] = true;
    if (!event.message.empty()) line["message"] = event.message;
    std::lock_guard<std::mutex> lock(mu_);
    out_ << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    out_.flush();
  }

 private:
  std::mutex mu_;
  std::ostream& out_;
};

// Finished nodes scroll up as plain lines; below them, one status line per running node (with
// its last output line) is erased and redrawn on every event.
class LiveProgress : public ProgressSink {
 public:
  explicit LiveProgress(std::ostream& out) : out_(out) {}
  void Report(const ProgressEvent& event) override {
    std::lock_guard<std::mutex> lock(mu_);
    Erase();
    switch (event.type) {
      case ProgressEvent::Type::kStart:
        running_[event.key] = {PlainLine(event), ""};
        break;
      case ProgressEvent::Type::kLog:
        if (auto it = running_.find(event.key); it != running_.end())
          it->second.last_line = event.message;
        break;
      default:
        running_.erase(event.key);
        out_ << PlainLine(event) << "\n";
    }
    Draw();
  }
  void Finish() override {
    std::lock_guard<std::mutex> lock(mu_);
    Erase();
    out_.flush();
  }

 private:
  struct Running {
    std::string line;
    std::string last_line;
  };
  void Erase() {
    if (drawn_ > 0) out_ << "\x1b[" << drawn_ << "A\x1b[J";
    drawn_ = 0;
  }
  void Draw() {
    for (const auto& [key, running] : running_) {
      out_ << Cut(running.line) << "\n";
      ++drawn_;
      if (!running.last_line.empty()) {
        out_ << "  > " << Cut(running.last_line) << "\n";
        ++drawn_;
      }
    }
    out_.flush();
  }
  static std::string Cut(const std::string& text) {
    return text.size() > 100 ? text.substr(0, 97) + "..." : text;
  }

  std::mutex mu_;
  std::ostream& out_;
  std::map<std::string, Running> running_;
  int drawn_ = 0;
};

}  // namespace

std::unique_ptr<ProgressSink> MakeProgress(ProgressMode mode, std::ostream& out, bool is_tty) {
  if (mode == ProgressMode::kJson) return std::make_unique<JsonProgress>(out);
  if (mode == ProgressMode::kAuto && is_tty) return std::make_unique<LiveProgress>(out);
  return std::make_unique<PlainProgress>(out);
}

std::string HumanSize(int64_t bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1000 && unit < 4) {
    value /= 1000;
    ++unit;
  }
  char text[32];
  if (unit == 0)
    std::snprintf(text, sizeof text, "%lld B", static_cast<long long>(bytes));
  else
    std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  return text;
}

void RecordingProgress::Report(const ProgressEvent& event) {
  std::lock_guard<std::mutex> lock(mu_);
  events_.push_back(event);
}

std::vector<ProgressEvent> RecordingProgress::Events() const {
  std::lock_guard<std::mutex> lock(mu_);
  return events_;
}

size_t RecordingProgress::Count(ProgressEvent::Type type) const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t count = 0;
  for (const ProgressEvent& event : events_) count += event.type == type;
  return count;
}

}  // namespace strata::schedule
