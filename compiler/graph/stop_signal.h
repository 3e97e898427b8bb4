// Which STOPSIGNAL values an image may carry: what Docker's signal.ParseSignal takes on Linux.
#pragma once

#include <string_view>

namespace strata::graph {

// A decimal number from 1 to 2^32-1, or a Linux signal name with or without "SIG", in any case
// ("SIGTERM", "term", "RTMIN+3", "SIGRTMAX-14"). dockerd and podman refuse to stop, or to
// create a container of, an image whose StopSignal is anything else.
bool IsStopSignal(std::string_view text);

}  // namespace strata::graph
