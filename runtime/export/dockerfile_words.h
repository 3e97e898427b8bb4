// Dockerfile text for the exporter: quoting words so BuildKit reads back exactly the value
// Strata holds, and image-config changes as the instructions that make them.
#pragma once

#include <llvm/Support/Error.h>

#include <nlohmann/json.hpp>
#include <string>

namespace strata::exporter {

// A word of an instruction that expands variables (ENV, LABEL, USER, WORKDIR, ARG, COPY):
// as written when it holds only plain characters, else in double quotes with `\`, `"` and `$`
// escaped. A line break cannot be written in such a word: an error.
llvm::Expected<std::string> QuoteWord(const std::string& text);

// A JSON array of strings on one line (`["/bin/sh","-c"]`): the exec form of RUN, CMD,
// ENTRYPOINT, SHELL and VOLUME.
std::string JsonArray(const nlohmann::json& strings);

// The instruction(s) for one `config` node's {field, value} (docs/graph.md): `ENV A="1"`,
// `WORKDIR /src`, `ENTRYPOINT ["/app"]`, ... with a trailing newline each. An `onbuild ""`
// (clear the inherited triggers) has no Dockerfile form: an error.
llvm::Expected<std::string> ConfigInstruction(const std::string& field,
                                              const nlohmann::json& value);

// The instructions that give a FROM scratch stage the image config `config` (an OCI config's
// `config` object, as a pre-built input's image has it): ENV, WORKDIR, USER, EXPOSE, LABEL,
// VOLUME, STOPSIGNAL, SHELL, HEALTHCHECK, ENTRYPOINT, CMD, ONBUILD.
llvm::Expected<std::string> ConfigInstructions(const nlohmann::json& config);

}  // namespace strata::exporter
