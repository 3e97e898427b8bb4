// libcurl is opened on first use (lazy_curl.cpp defines the curl functions Strata calls).
#pragma once

#include <string>

namespace strata::oci {

// Why libcurl could not be loaded ("" once it is loaded); loads it if no call has yet.
std::string CurlLoadError();

}  // namespace strata::oci
