// Compressor factory, the zstd compressor (libzstd's own worker threads) and the identity.
#include "runtime/oci/compressor.h"

#include <zstd.h>

#include <string>
#include <thread>
#include <vector>

#include "runtime/oci/gzip_compressor.h"

namespace strata::oci {
namespace {

constexpr int kZstdJobSize = 8 << 20;

llvm::Error ZstdError(size_t code) {
  return llvm::createStringError(std::make_error_code(std::errc::io_error),
                                 llvm::Twine("zstd: ") + ZSTD_getErrorName(code));
}

class ZstdCompressor final : public Compressor {
 public:
  explicit ZstdCompressor(ByteSink& out) : out_(out) {}
  ~ZstdCompressor() override { ZSTD_freeCCtx(ctx_); }

  llvm::Error Init(int threads, int level) {
    ctx_ = ZSTD_createCCtx();
    if (ctx_ == nullptr) return ZstdError(0);
    for (auto [param, value] :
         {std::pair{ZSTD_c_compressionLevel, level}, std::pair{ZSTD_c_checksumFlag, 1},
          // Always >= 1 worker: libzstd's output is the same for any
          // worker count >= 1, but differs from single-threaded mode.
          std::pair{ZSTD_c_nbWorkers, threads},
          // A fixed job size (what libzstd picks for level 3 itself):
          // jobs, hence frame contents, never follow the machine.
          std::pair{ZSTD_c_jobSize, kZstdJobSize}}) {
      size_t rc = ZSTD_CCtx_setParameter(ctx_, param, value);
      if (ZSTD_isError(rc)) return ZstdError(rc);
    }
    return llvm::Error::success();
  }

  llvm::Error Write(const char* data, size_t size) override {
    ZSTD_inBuffer in{data, size, 0};
    // Drain all output that is ready, not just one buffer's worth: output left inside libzstd
    // keeps its job slots busy and stalls the workers.
    for (;;) {
      llvm::Expected<bool> full = Step(in, ZSTD_e_continue);
      if (!full) return full.takeError();
      if (in.pos == in.size && !*full) return llvm::Error::success();
    }
  }

  llvm::Error Finish() override {
    ZSTD_inBuffer in{nullptr, 0, 0};
    for (;;) {
      llvm::Expected<bool> full = Step(in, ZSTD_e_end);
      if (!full) return full.takeError();
      if (remaining_ == 0) return llvm::Error::success();
    }
  }

 private:
  // One call into libzstd; true when it filled the whole output buffer (more may be ready).
  // libzstd copies each finished job's bytes out; into the sink's own buffer when it offers one
  // (the blob's next chunk), so they are not copied a second time (300 MB for the bench layer).
  llvm::Expected<bool> Step(ZSTD_inBuffer& in, ZSTD_EndDirective mode) {
    size_t room = 0;
    char* target = out_.Tail(room);
    if (target == nullptr) {
      if (buffer_.empty()) buffer_.resize(ZSTD_CStreamOutSize());
      target = buffer_.data();
      room = buffer_.size();
    }
    ZSTD_outBuffer out{target, room, 0};
    size_t rc = ZSTD_compressStream2(ctx_, &out, &in, mode);
    if (ZSTD_isError(rc)) return ZstdError(rc);
    remaining_ = rc;
    if (out.pos > 0) {
      if (llvm::Error err = out_.Write(target, out.pos)) return err;
    }
    return out.pos == out.size;
  }

  ByteSink& out_;
  ZSTD_CCtx* ctx_ = nullptr;
  std::vector<char> buffer_;  // only for a sink without a Tail
  size_t remaining_ = 0;      // What ZSTD_e_end still has to flush.
};

class IdentityCompressor final : public Compressor {
 public:
  explicit IdentityCompressor(ByteSink& out) : out_(out) {}
  llvm::Error Write(const char* data, size_t size) override { return out_.Write(data, size); }
  llvm::Error Finish() override { return llvm::Error::success(); }

 private:
  ByteSink& out_;
};

}  // namespace

llvm::Expected<std::unique_ptr<Compressor>> MakeCompressor(Compression kind, ByteSink& out,
                                                           int threads, int level) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  switch (kind) {
    case Compression::kGzip:
      if (level > 12)  // libdeflate's range
        return llvm::createStringError(std::make_error_code(std::errc::invalid_argument),
                                       "gzip: no compression level %d (0-12)", level);
      return MakeGzipCompressor(out, threads, level < 0 ? DefaultLevel(kind) : level);
    case Compression::kZstd: {
      auto zstd = std::make_unique<ZstdCompressor>(out);
      if (llvm::Error err = zstd->Init(threads, level < 0 ? DefaultLevel(kind) : level)) return err;
      return std::unique_ptr<Compressor>(std::move(zstd));
    }
    case Compression::kNone:
      return std::unique_ptr<Compressor>(std::make_unique<IdentityCompressor>(out));
  }
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument),
                                 "unknown compression");
}

int DefaultLevel(Compression kind) {
  switch (kind) {
    case Compression::kGzip:
      return 6;
    case Compression::kZstd:
      return 3;
    case Compression::kNone:
      break;
  }
  return 0;
}

const char* EncoderIdentity(Compression kind) {
  switch (kind) {
    case Compression::kGzip:
      return GzipEncoderIdentity();
    case Compression::kZstd: {
      // libzstd is the installed shared library (opened on first use on x86-64: a gzip build
      // never loads it), so its bytes follow that version: the one asked here. (Its static
      // archive in Debian is built without worker threads, which ZstdCompressor needs.)
      static const std::string identity =
          std::string("zstd-jobs-v1 libzstd-") + ZSTD_versionString();
      return identity.c_str();
    }
    case Compression::kNone:
      break;
  }
  return "";
}

std::string EncoderKeyLine(Compression kind) {
  const char* identity = EncoderIdentity(kind);
  return *identity == '\0' ? std::string() : std::string("encoder=") + identity + "\n";
}

const char* LayerMediaType(Compression kind) {
  switch (kind) {
    case Compression::kGzip:
      return "application/vnd.oci.image.layer.v1.tar+gzip";
    case Compression::kZstd:
      return "application/vnd.oci.image.layer.v1.tar+zstd";
    case Compression::kNone:
      return "application/vnd.oci.image.layer.v1.tar";
  }
  return "";
}

}  // namespace strata::oci
