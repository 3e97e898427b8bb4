// A small reader of the shell that postinst scripts use around update-alternatives: enough to
// expand the variables and loops of debhelper's snippets and of hand-written loops (openjdk).
#include "runtime/debian/alternatives.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>

#include "runtime/debian/alternatives_db.h"
#include "runtime/debian/usr_merge.h"

namespace strata::debian {
namespace {

using Vars = std::map<std::string, std::string>;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The script as simple commands: split at newlines, `;`, `&&`, `||` and `|` outside quotes
// and command substitutions; backslash-newlines joined; comments dropped.
std::vector<std::string> Statements(llvm::StringRef script) {
  std::vector<std::string> out;
  std::string current;
  char quote = 0;
  int depth = 0;  // inside $( ... )
  auto flush = [&] {
    llvm::StringRef text = llvm::StringRef(current).trim();
    if (!text.empty()) out.push_back(text.str());
    current.clear();
  };
  for (size_t i = 0; i < script.size(); ++i) {
    char c = script[i];
    if (c == '\\' && quote != '\'' && i + 1 < script.size()) {
      if (script[i + 1] == '\n') {
        current += ' ';
      } else {
        current += c;
        current += script[i + 1];
      }
      ++i;
      continue;
    }
    if (quote) {
      if (c == quote) quote = 0;
      current += c;
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {
      quote = c;
      current += c;
      continue;
    }
    if (c == '#' && (current.empty() || IsSpace(current.back()))) {
      while (i + 1 < script.size() && script[i + 1] != '\n') ++i;
      continue;
    }
    if (c == '$' && i + 1 < script.size() && script[i + 1] == '(') {
      ++depth;
      current += "$(";
      ++i;
      continue;
    }
    if (depth) {
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      current += c;
      continue;
    }
    if (c == '\n' || c == ';') {
      flush();
    } else if (c == '&' || c == '|') {
      if (i + 1 < script.size() && script[i + 1] == c) ++i;
      flush();
    } else {
      current += c;
    }
  }
  flush();
  return out;
}

// The value of $name or ${name}; false when the script never set it.
bool Lookup(const Vars& vars, const std::string& name, std::string& value) {
  auto it = vars.find(name);
  if (it == vars.end()) return false;
  value = it->second;
  return true;
}

// Reads a parameter name after '$' at text[i]; advances i past it. "" when there is none.
std::string ParameterName(llvm::StringRef text, size_t& i) {
  if (i < text.size() && text[i] == '{') {
    size_t close = text.find('}', i);
    if (close == llvm::StringRef::npos) return "";
    std::string name = text.slice(i + 1, close).str();
    i = close + 1;
    for (char c : name)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return "";
    return name;
  }
  size_t start = i;
  while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_'))
    ++i;
  if (i == start && i < text.size()) ++i;  // $1, $@, $?: never known
  return text.slice(start, i).str();
}

// The words of a command after quote removal and expansion (unquoted expansions split at
// spaces, as sh does). False when a word needs running something or an unknown variable.
bool Words(llvm::StringRef text, const Vars& vars, std::vector<std::string>& words) {
  std::string word;
  bool have = false;
  auto push = [&] {
    if (have) words.push_back(word);
    word.clear();
    have = false;
  };
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (IsSpace(c)) {
      push();
      ++i;
    } else if (c == '\'') {
      size_t close = text.find('\'', i + 1);
      if (close == llvm::StringRef::npos) return false;
      word += text.slice(i + 1, close).str();
      have = true;
      i = close + 1;
    } else if (c == '"') {
      have = true;
      for (++i; i < text.size() && text[i] != '"';) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          word += text[i + 1];
          i += 2;
        } else if (text[i] == '$') {
          ++i;
          if (i < text.size() && text[i] == '(') return false;
          std::string value;
          if (!Lookup(vars, ParameterName(text, i), value)) return false;
          word += value;
        } else if (text[i] == '`') {
          return false;
        } else {
          word += text[i++];
        }
      }
      if (i >= text.size()) return false;
      ++i;
    } else if (c == '\\' && i + 1 < text.size()) {
      word += text[i + 1];
      have = true;
      i += 2;
    } else if (c == '$') {
      ++i;
      if (i < text.size() && text[i] == '(') return false;
      std::string value;
      if (!Lookup(vars, ParameterName(text, i), value)) return false;
      // Unquoted: split at spaces; the first piece joins the current word.
      for (char piece : value) {
        if (IsSpace(piece)) {
          push();
        } else {
          word += piece;
          have = true;
        }
      }
    } else if (c == '`') {
      return false;
    } else {
      word += c;
      have = true;
      ++i;
    }
  }
  push();
  return true;
}

bool StartsWithWord(llvm::StringRef text, llvm::StringRef word) {
  return text == word ||
         (text.startswith(word) && text.size() > word.size() && IsSpace(text[word.size()]));
}

// Drops the shell keywords and case patterns that can start a simple command.
llvm::StringRef StripKeywords(llvm::StringRef text) {
  while (true) {
    text = text.trim();
    bool stripped = false;
    for (llvm::StringRef keyword : {"then", "do", "else", "{", "!", "local", "export", "readonly"})
      if (StartsWithWord(text, keyword)) {
        text = text.drop_front(keyword.size());
        stripped = true;
      }
    // A case pattern "configure)" before a command.
    llvm::StringRef first = text.take_until(IsSpace);
    if (first.endswith(")") && !first.contains('(') && !first.contains('$')) {
      text = text.drop_front(first.size());
      stripped = true;
    }
    if (!stripped) return text;
  }
}

bool IsAssignment(llvm::StringRef text) {
  size_t eq = text.find('=');
  if (eq == 0 || eq == llvm::StringRef::npos) return false;
  for (char c : text.take_front(eq))
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return !std::isdigit(static_cast<unsigned char>(text[0]));
}

// The --install command in `words` (words[0] is update-alternatives), if it is one.
bool ParseInstall(const std::vector<std::string>& words, Alternative& out) {
  size_t i = 1;
  while (i < words.size() && words[i] != "--install") {
    if (words[i] == "--altdir" || words[i] == "--admindir" || words[i] == "--log") {
      i += 2;
    } else if (words[i] == "--quiet" || words[i] == "--force" || words[i] == "--verbose" ||
               words[i] == "--debug") {
      ++i;
    } else {
      return false;  // another action (--remove, --set, --query, ...)
    }
  }
  if (i + 4 >= words.size()) return false;
  out.master = {words[i + 1], words[i + 2], words[i + 3]};
  char* end = nullptr;
  out.priority = std::strtol(words[i + 4].c_str(), &end, 10);
  if (words[i + 4].empty() || *end) return false;
  for (i += 5; i + 3 < words.size() && words[i] == "--slave"; i += 4)
    out.slaves.push_back({words[i + 1], words[i + 2], words[i + 3]});
  return true;
}

void Run(const std::vector<std::string>& statements, size_t begin, size_t end, Vars& vars,
         ParsedAlternatives& out) {
  for (size_t s = begin; s < end; ++s) {
    llvm::StringRef text = StripKeywords(statements[s]);
    if (StartsWithWord(text, "for") || StartsWithWord(text, "while") ||
        StartsWithWord(text, "until")) {
      // The matching `done`.
      size_t close = s + 1;
      for (int depth = 1; close < end; ++close) {
        llvm::StringRef inner = StripKeywords(statements[close]);
        if (StartsWithWord(inner, "for") || StartsWithWord(inner, "while") ||
            StartsWithWord(inner, "until"))
          ++depth;
        if (StartsWithWord(inner, "done") && --depth == 0) break;
      }
      std::vector<std::string> words;
      if (StartsWithWord(text, "for") && Words(text, vars, words) && words.size() >= 3 &&
          words[2] == "in") {
        for (size_t w = 3; w < words.size(); ++w) {
          vars[words[1]] = words[w];
          Run(statements, s + 1, close, vars, out);
        }
      } else {
        Run(statements, s + 1, close, vars, out);  // a while loop's body, once
      }
      s = close;
      continue;
    }
    if (IsAssignment(text)) {
      size_t eq = text.find('=');
      std::vector<std::string> words;
      if (Words(text.drop_front(eq + 1), vars, words) && words.size() <= 1)
        vars[text.take_front(eq).str()] = words.empty() ? "" : words[0];
      continue;
    }
    if (StartsWithWord(text, "unset")) {
      std::vector<std::string> words;
      if (Words(text, vars, words))
        for (size_t w = 1; w < words.size(); ++w) vars[words[w]] = "";  // known to be empty
      continue;
    }
    llvm::StringRef command = text.take_until(IsSpace);
    if (command != "update-alternatives" && !command.endswith("/update-alternatives")) continue;
    std::vector<std::string> words;
    Alternative alternative;
    if (!Words(text, vars, words)) {
      if (text.contains("--install")) ++out.skipped;
      continue;
    }
    if (ParseInstall(words, alternative)) out.alternatives.push_back(std::move(alternative));
  }
}

bool IsCleanAbsolute(llvm::StringRef path) {
  if (!path.startswith("/") || path.size() < 2) return false;
  for (llvm::StringRef rest = path.drop_front(); !rest.empty();) {
    auto [part, tail] = rest.split('/');
    if (part.empty() || part == "." || part == "..") return false;
    rest = tail;
  }
  return true;
}

llvm::Error Errno(const char* what, const std::string& path) {
  return llvm::createStringError(std::error_code(errno, std::generic_category()), "%s %s: %s", what,
                                 path.c_str(), std::strerror(errno));
}

// DIR + path's merged-/usr place, its parent directories made (0755, root).
llvm::Expected<std::string> PlaceIn(const std::string& dir, const std::string& path) {
  std::string merged = MergedUsrPath(path);
  std::string at = dir;
  llvm::StringRef rest = llvm::StringRef(merged).drop_front();
  while (rest.contains('/')) {
    auto [part, tail] = rest.split('/');
    at += "/" + part.str();
    if (::mkdir(at.c_str(), 0755) == 0) {
      if (::chown(at.c_str(), 0, 0) != 0) return Errno("cannot set the owner of", at);
    } else if (errno != EEXIST) {
      return Errno("cannot create", at);
    }
    rest = tail;
  }
  return at + "/" + rest.str();
}

// LINK → TARGET in DIR; false when something is already there.
llvm::Expected<bool> Link(const std::string& dir, const std::string& link,
                          const std::string& target) {
  llvm::Expected<std::string> at = PlaceIn(dir, link);
  if (!at) return at.takeError();
  if (::symlink(target.c_str(), at->c_str()) != 0) {
    if (errno == EEXIST) return false;
    return Errno("cannot create", *at);
  }
  if (::lchown(at->c_str(), 0, 0) != 0) return Errno("cannot set the owner of", *at);
  return true;
}

}  // namespace

ParsedAlternatives ParseAlternatives(llvm::StringRef postinst) {
  std::vector<std::string> statements = Statements(postinst);
  ParsedAlternatives out;
  Vars vars;
  Run(statements, 0, statements.size(), vars, out);
  return out;
}

llvm::Expected<std::vector<std::string>> WriteAlternatives(
    const std::string& dir, const std::vector<Alternative>& candidates,
    const std::function<bool(const std::string&)>& exists,
    const std::function<bool(const std::string&)>& is_file) {
  std::map<std::string, const Alternative*> best;  // by name: sorted, so the output is stable
  for (const Alternative& candidate : candidates) {
    const AlternativeLink& master = candidate.master;
    if (master.name.empty() || master.name.find('/') != std::string::npos ||
        !IsCleanAbsolute(master.link) || !IsCleanAbsolute(master.path) || !exists(master.path))
      continue;
    const Alternative*& chosen = best[master.name];
    if (!chosen || candidate.priority > chosen->priority ||
        (candidate.priority == chosen->priority && master.path < chosen->master.path))
      chosen = &candidate;
  }
  std::vector<std::string> chosen;
  auto install = [&](const AlternativeLink& link) -> llvm::Error {
    if (is_file(link.link)) return llvm::Error::success();
    llvm::Expected<bool> made = Link(dir, "/etc/alternatives/" + link.name, link.path);
    if (!made) return made.takeError();
    if (!*made) return llvm::Error::success();  // the name is taken already
    llvm::Expected<bool> linked = Link(dir, link.link, "/etc/alternatives/" + link.name);
    if (!linked) return linked.takeError();
    chosen.push_back(link.name + " → " + link.path);
    return llvm::Error::success();
  };
  for (const auto& [name, alternative] : best) {
    if (llvm::Error err = install(alternative->master)) return err;
    for (const AlternativeLink& slave : alternative->slaves)
      if (!slave.name.empty() && slave.name.find('/') == std::string::npos &&
          IsCleanAbsolute(slave.link) && IsCleanAbsolute(slave.path) && exists(slave.path))
        if (llvm::Error err = install(slave)) return err;
  }
  if (llvm::Error err = WriteAlternativesDb(dir, candidates, exists)) return err;
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

}  // namespace strata::debian
