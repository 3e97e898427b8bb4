// Docker's Linux signal names and numbers (its signal.ParseSignal and SignalMap).
#include "compiler/graph/stop_signal.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace strata::graph {
namespace {

constexpr std::string_view kNames[] = {
    "ABRT", "ALRM",   "BUS",  "CHLD",   "CLD",   "CONT", "FPE",  "HUP",   "ILL",
    "INT",  "IO",     "IOT",  "KILL",   "PIPE",  "POLL", "PROF", "PWR",   "QUIT",
    "SEGV", "STKFLT", "STOP", "SYS",    "TERM",  "TRAP", "TSTP", "TTIN",  "TTOU",
    "URG",  "USR1",   "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "RTMIN", "RTMAX"};

bool AllDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "RTMIN+N" for N in 1..15 and "RTMAX-N" for N in 1..14 (Docker names 64 signals: 1..34 by
// their own names, then RTMIN+1..RTMIN+15 and RTMAX-14..RTMAX).
bool IsRealtimeOffset(std::string_view name) {
  for (auto [prefix, last] :
       {std::pair{std::string_view("RTMIN+"), 15}, std::pair{std::string_view("RTMAX-"), 14}}) {
    if (name.substr(0, prefix.size()) != prefix) continue;
    std::string_view number = name.substr(prefix.size());
    if (!AllDigits(number) || number.size() > 2 || number[0] == '0') return false;
    int n = std::stoi(std::string(number));
    return n >= 1 && n <= last;
  }
  return false;
}

}  // namespace

bool IsStopSignal(std::string_view text) {
  if (AllDigits(text)) {
    if (text.size() > 10) return false;
    unsigned long long n = std::stoull(std::string(text));
    return n >= 1 && n <= 0xffffffffULL;
  }
  std::string name(text);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  std::string_view bare = name;
  if (bare.substr(0, 3) == "SIG") bare.remove_prefix(3);
  return std::find(std::begin(kNames), std::end(kNames), bare) != std::end(kNames) ||
         IsRealtimeOffset(bare);
}

}  // namespace strata::graph
