// libcurl loaded on first use: the curl functions Strata calls, defined here, forward to a
// dlopen'ed libcurl.
//
// Linking libcurl brings ~25 shared libraries (TLS, Kerberos, LDAP, SSH, IDN, ...) into every
// process, and loading and relocating them was a large part of a no-op `strata build` (issue
// 14). Only pulls, pushes, fetches and Debian downloads talk HTTP, so the library is opened the
// first time one of them calls into curl. The definitions below have curl's own names and
// signatures, so callers keep writing plain libcurl code.
#define CURL_DISABLE_TYPECHECK 1  // The type-checking macros would rename our definitions.
#include "runtime/oci/lazy_curl.h"

#include <curl/curl.h>
#include <dlfcn.h>

#include <cstdarg>
#include <mutex>
#include <string>

namespace strata::oci {
namespace {

struct CurlApi {
  bool loaded = false;
  std::string error;
  decltype(&::curl_global_init) global_init = nullptr;
  decltype(&::curl_easy_init) easy_init = nullptr;
  decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&::curl_easy_perform) easy_perform = nullptr;
  decltype(&::curl_easy_setopt) easy_setopt = nullptr;
  decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&::curl_easy_strerror) easy_strerror = nullptr;
  decltype(&::curl_slist_append) slist_append = nullptr;
  decltype(&::curl_slist_free_all) slist_free_all = nullptr;
};

template <typename Fn>
bool Resolve(void* handle, const char* name, Fn& fn, std::string& error) {
  fn = reinterpret_cast<Fn>(::dlsym(handle, name));
  if (fn == nullptr && error.empty()) error = std::string("libcurl has no ") + name;
  return fn != nullptr;
}

const CurlApi& Api() {
  static CurlApi api;
  static std::once_flag once;
  std::call_once(once, [] {
    // The soname this binary was built against (Debian's libcurl4); never unloaded.
    void* handle = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = ::dlerror();
      api.error = std::string("cannot load libcurl: ") + (why ? why : "libcurl.so.4 not found");
      return;
    }
    bool ok = Resolve(handle, "curl_global_init", api.global_init, api.error);
    ok = Resolve(handle, "curl_easy_init", api.easy_init, api.error) && ok;
    ok = Resolve(handle, "curl_easy_cleanup", api.easy_cleanup, api.error) && ok;
    ok = Resolve(handle, "curl_easy_perform", api.easy_perform, api.error) && ok;
    ok = Resolve(handle, "curl_easy_setopt", api.easy_setopt, api.error) && ok;
    ok = Resolve(handle, "curl_easy_getinfo", api.easy_getinfo, api.error) && ok;
    ok = Resolve(handle, "curl_easy_strerror", api.easy_strerror, api.error) && ok;
    ok = Resolve(handle, "curl_slist_append", api.slist_append, api.error) && ok;
    ok = Resolve(handle, "curl_slist_free_all", api.slist_free_all, api.error) && ok;
    api.loaded = ok;
  });
  return api;
}

}  // namespace

std::string CurlLoadError() { return Api().loaded ? std::string() : Api().error; }

}  // namespace strata::oci

using strata::oci::Api;

extern "C" {

CURLcode curl_global_init(long flags) {
  return Api().loaded ? Api().global_init(flags) : CURLE_FAILED_INIT;
}

CURL* curl_easy_init(void) { return Api().loaded ? Api().easy_init() : nullptr; }

// Only reached with a handle, so the library is loaded.
void curl_easy_cleanup(CURL* handle) { Api().easy_cleanup(handle); }

CURLcode curl_easy_perform(CURL* handle) { return Api().easy_perform(handle); }

// The variadic argument is forwarded with the type curl itself reads for the option's range
// (curl.h: CURLOPTTYPE_*), so nothing depends on how the ABI passes a long or a pointer.
CURLcode curl_easy_setopt(CURL* handle, CURLoption option, ...) {
  va_list args;
  va_start(args, option);
  CURLcode rc;
  auto setopt = Api().easy_setopt;
  if (option < CURLOPTTYPE_OBJECTPOINT)
    rc = setopt(handle, option, va_arg(args, long));
  else if (option < CURLOPTTYPE_FUNCTIONPOINT)
    rc = setopt(handle, option, va_arg(args, void*));
  else if (option < CURLOPTTYPE_OFF_T)
    rc = setopt(handle, option, va_arg(args, void (*)()));
  else if (option < CURLOPTTYPE_BLOB)
    rc = setopt(handle, option, va_arg(args, curl_off_t));
  else
    rc = setopt(handle, option, va_arg(args, void*));
  va_end(args);
  return rc;
}

// Every CURLINFO_* takes a pointer to where the answer goes.
CURLcode curl_easy_getinfo(CURL* handle, CURLINFO info, ...) {
  va_list args;
  va_start(args, info);
  CURLcode rc = Api().easy_getinfo(handle, info, va_arg(args, void*));
  va_end(args);
  return rc;
}

const char* curl_easy_strerror(CURLcode code) {
  if (!Api().loaded) return Api().error.c_str();
  return Api().easy_strerror(code);
}

curl_slist* curl_slist_append(curl_slist* list, const char* text) {
  return Api().loaded ? Api().slist_append(list, text) : nullptr;
}

void curl_slist_free_all(curl_slist* list) {
  if (list != nullptr) Api().slist_free_all(list);
}

}  // extern "C"
