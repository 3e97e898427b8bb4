// The builtins' type signatures (docs/types.md lists the same table for users).
#include "compiler/types/builtin_types.h"

namespace strata::types {
namespace {

constexpr BuiltinSignature kAliases[] = {
    {"RunOpts",
     "{ cache? :: List String; caches? :: List CacheOpts; secrets? :: List SecretOpts; "
     "mounts? :: List { artifact :: "
     "Artifact; "
     "target :: String; rw? :: Bool }; tmpfs? :: List String; network? :: Bool; sha256? :: "
     "String; env? :: List String }"},
    {"SecretOpts",
     "{ id :: String; target? :: String; required? :: Bool; uid? :: Int; gid? :: Int; mode? :: "
     "String }"},
    {"CacheOpts", "{ target :: String; id? :: String; uid? :: Int; gid? :: Int; mode? :: String }"},
    {"CopyOpts",
     "{ chown? :: String; chmod? :: String; link? :: Bool; exclude? :: List String; extract? :: "
     "Bool }"},
    {"HealthOpts",
     "{ test :: List String; interval? :: String; timeout? :: String; startPeriod? :: String; "
     "startInterval? :: String; retries? :: Int }"},
    {"FetchOpts", "{ url :: String; sha256 :: String }"},
    {"DebianOpts",
     "{ suite? :: String; packages :: List String; arch? :: String; mirror? :: String; exclude? :: "
     "List String; pathExclude? :: List String }"},
    {"DockerfileOpts", "{ buildArgs? :: List String; target? :: String; context? :: Artifact }"},
    {"Dockerfile", "{ final :: Stage; stage :: String -> Stage }"},
};

// Sorted by name.
constexpr BuiltinSignature kBuiltins[] = {
    {"abort", "String -> a"},
    {"attrNames", "{ ... } -> List String"},
    {"cmd", "List String -> Stage -> Stage"},
    {"concatLists", "List (List a) -> List a"},
    {"concatMap", "(a -> List b) -> List a -> List b"},
    {"concatStringsSep", "String -> List String -> String"},
    {"copy", "Artifact -> String -> Stage -> Stage"},
    {"copyWith", "CopyOpts -> Artifact -> String -> Stage -> Stage"},
    {"debian", "DebianOpts -> Stage"},
    {"dockerfile", "Artifact -> DockerfileOpts -> Dockerfile"},
    {"elem", "a -> List a -> Bool"},
    {"elemAt", "List a -> Int -> a"},
    {"entrypoint", "List String -> Stage -> Stage"},
    {"env", "String -> String -> Stage -> Stage"},
    {"exec", "List String -> Stage -> Stage"},
    {"execWith", "RunOpts -> List String -> Stage -> Stage"},
    {"expose", "Int -> Stage -> Stage"},
    {"exposePort", "String -> Stage -> Stage"},
    {"fetch", "FetchOpts -> Artifact"},
    {"filter", "(a -> Bool) -> List a -> List a"},
    {"foldl", "(b -> a -> b) -> b -> List a -> b"},
    {"hasAttr", "String -> { ... } -> Bool"},
    {"head", "List a -> a"},
    {"healthcheck", "HealthOpts -> Stage -> Stage"},
    {"ignore", "List String -> Artifact -> Artifact"},
    {"image", "String -> Stage"},
    {"keepModes", "Artifact -> Artifact"},
    {"label", "String -> String -> Stage -> Stage"},
    {"length", "List a -> Int"},
    {"load", "Artifact -> Stage"},
    {"loadTag", "String -> Artifact -> Stage"},
    {"map", "(a -> b) -> List a -> List b"},
    {"minimal", "Stage -> List String -> Stage"},
    {"onbuild", "String -> Stage -> Stage"},
    {"range", "Int -> Int -> List Int"},
    {"replaceStrings", "List String -> List String -> String -> String"},
    {"run", "String -> Stage -> Stage"},
    {"runWith", "RunOpts -> String -> Stage -> Stage"},
    {"scratch", "Stage"},
    {"shell", "List String -> Stage -> Stage"},
    {"stopsignal", "String -> Stage -> Stage"},
    {"stringLength", "String -> Int"},
    {"substring", "Int -> Int -> String -> String"},
    {"tail", "List a -> List a"},
    {"text", "String -> String -> Artifact"},
    {"toString", "Int -> String"},
    {"user", "String -> Stage -> Stage"},
    {"volume", "String -> Stage -> Stage"},
    {"workdir", "String -> Stage -> Stage"},
};

}  // namespace

llvm::ArrayRef<BuiltinSignature> BuiltinSignatures() { return kBuiltins; }
llvm::ArrayRef<BuiltinSignature> BuiltinTypeAliases() { return kAliases; }

}  // namespace strata::types
