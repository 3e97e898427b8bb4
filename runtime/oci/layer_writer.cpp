// WriteLayer: tree scan -> libarchive (pax), the tar's sha256 and the compressor (feeding its
// workers) on the reading thread -> [fan-out: the store blob's sha256 and file].
#include "runtime/oci/layer_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <locale.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "compiler/support/unique_fd.h"
#include "runtime/oci/chunk_fanout.h"
#include "runtime/oci/file_capability.h"
#include "runtime/oci/tar_index.h"
#include "runtime/oci/tree_scan.h"
#include "runtime/store/sha256.h"

namespace strata::oci {
namespace {

constexpr size_t kReadBuffer = 1 << 20;
// The tar stream goes to its hashing and compressing threads in chunks of about this size; at
// most kMaxQueued chunks wait, so memory stays bounded (each chunk is < 2 * kChunk). The
// compressed stream goes to the blob's thread (sha256 and file) the same way.
constexpr size_t kChunk = 1 << 20;
constexpr size_t kMaxQueued = 4;
// The compressed stream is smaller and comes in pieces of ~128 KiB (zstd) to 1 MiB (gzip):
// smaller chunks keep the blob stage's memory at ~3 MiB.
constexpr size_t kBlobChunk = 256 << 10;

llvm::Error Fail(const llvm::Twine& message) {
  return llvm::createStringError(std::make_error_code(std::errc::io_error), message);
}

// libarchive's callbacks cannot carry an llvm::Error: a failed write is reported by the
// pipeline's `close`.
struct TarSink {
  ByteSink* pipeline = nullptr;
  std::function<llvm::Error()> close;
  // The tar's sha256, taken here on the reading thread while a file's bytes are still in its
  // cache (they were read into place a moment ago), not on a thread of its own that reads
  // them back from another core's.
  store::Sha256* hash = nullptr;
  bool failed = false;
};

la_ssize_t TarWrite(struct archive*, void* client, const void* buffer, size_t length) {
  auto* sink = static_cast<TarSink*>(client);
  if (sink->hash != nullptr) sink->hash->Update(buffer, length);
  if (llvm::Error err = sink->pipeline->Write(static_cast<const char*>(buffer), length)) {
    llvm::consumeError(std::move(err));  // Close returns the consumer's own error
    sink->failed = true;
    return -1;
  }
  return static_cast<la_ssize_t>(length);
}

struct ArchiveFree {
  void operator()(struct archive* a) const { archive_write_free(a); }
};
struct EntryFree {
  void operator()(struct archive_entry* e) const { archive_entry_free(e); }
};

// Turns a failed libarchive call into an error, preferring the pipeline's own (more precise) one.
llvm::Error ArchiveError(struct archive* a, TarSink& sink, const std::string& what) {
  if (sink.failed) {
    if (llvm::Error err = sink.close()) return err;
  }
  const char* msg = archive_error_string(a);
  return Fail("tar: " + what + ": " + (msg ? msg : "unknown error"));
}

// Pins the calling thread to the "C" locale while a layer is written. libarchive converts
// names from the locale's charset to UTF-8 for pax records; under "C" every non-ASCII name fails
// that conversion and is stored as raw bytes with a pax hdrcharset=BINARY record (reported as
// ARCHIVE_WARN). Pinning makes that choice, and so the layer's bytes, independent of the
// caller's locale. GNU tar prints a harmless "unknown keyword" note for such entries.
class ScopedCLocale {
 public:
  ScopedCLocale() : c_(newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(0))) {
    if (c_ != static_cast<locale_t>(0)) previous_ = uselocale(c_);
  }
  ~ScopedCLocale() {
    if (c_ == static_cast<locale_t>(0)) return;
    uselocale(previous_);
    freelocale(c_);
  }
  ScopedCLocale(const ScopedCLocale&) = delete;
  ScopedCLocale& operator=(const ScopedCLocale&) = delete;

 private:
  locale_t c_;
  locale_t previous_ = static_cast<locale_t>(0);
};

void FillEntry(struct archive_entry* e, const TreeEntry& entry, int64_t epoch) {
  archive_entry_clear(e);
  archive_entry_copy_pathname(e, entry.tar_path.c_str());
  archive_entry_set_perm(e, entry.mode);
  archive_entry_set_uid(e, entry.uid);
  archive_entry_set_gid(e, entry.gid);
  archive_entry_set_mtime(e, epoch, 0);
  switch (entry.kind) {
    case EntryKind::kFile:
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_size(e, static_cast<la_int64_t>(entry.size));
      if (!entry.capability.empty())
        archive_entry_xattr_add_entry(e, kCapabilityXattr, entry.capability.data(),
                                      entry.capability.size());
      break;
    case EntryKind::kHardlink:
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_copy_hardlink(e, entry.link.c_str());
      archive_entry_set_size(e, 0);
      break;
    case EntryKind::kDir:
      archive_entry_set_filetype(e, AE_IFDIR);
      break;
    case EntryKind::kSymlink:
      archive_entry_set_filetype(e, AE_IFLNK);
      archive_entry_copy_symlink(e, entry.link.c_str());
      break;
    case EntryKind::kFifo:
      archive_entry_set_filetype(e, AE_IFIFO);
      break;
    case EntryKind::kCharDevice:
    case EntryKind::kBlockDevice:
      archive_entry_set_filetype(e, entry.kind == EntryKind::kCharDevice ? AE_IFCHR : AE_IFBLK);
      archive_entry_set_rdevmajor(e, entry.rdev_major);
      archive_entry_set_rdevminor(e, entry.rdev_minor);
      break;
  }
}

// A file inside a layer tar (TreeEntry::source_in_archive): exactly `size` bytes from its
// offset, read straight into the tar stream's chunks like a file's (see WriteFileData). The
// tar is a store blob already checked against its digest, so its bytes cannot change here.
llvm::Error WriteArchivedData(struct archive* a, TarSink& sink, const TreeEntry& entry, int fd) {
  uint64_t written = 0;
  while (written < entry.size) {
    size_t room = 0;
    char* buffer = sink.pipeline->Tail(room);
    size_t want =
        static_cast<size_t>(std::min<uint64_t>(std::min(room, kReadBuffer), entry.size - written));
    ssize_t n = ::pread(fd, buffer, want, static_cast<off_t>(entry.source_offset + written));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Fail("cannot read " + entry.source_path + ": " + std::strerror(errno));
    }
    if (n == 0) return Fail("layer tar ends inside " + entry.tar_path + ": " + entry.source_path);
    if (archive_write_data(a, buffer, static_cast<size_t>(n)) < 0)
      return ArchiveError(a, sink, entry.tar_path);
    written += static_cast<uint64_t>(n);
  }
  return llvm::Error::success();
}

// The file's bytes are read straight into the tar stream's next chunk (ChunkFanout::Tail) and
// handed to libarchive from there: with unblocked output its pax writer passes a data write
// through to TarWrite unchanged (no header or padding is pending then), so the bytes are
// counted where they lie instead of being copied (500 MB of memmove for a 500 MB COPY).
llvm::Error WriteFileData(struct archive* a, TarSink& sink, const TreeEntry& entry) {
  support::UniqueFd fd(::open(entry.source_path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return Fail("cannot open " + entry.source_path + ": " + std::strerror(errno));
  if (llvm::Error err = CheckOpenedSource(fd.Get(), entry)) return err;
  // Read-ahead hints only pay for files longer than one read.
  if (entry.size > kReadBuffer)
    ::posix_fadvise(fd.Get(), static_cast<off_t>(entry.source_offset),
                    static_cast<off_t>(entry.size), POSIX_FADV_SEQUENTIAL);
  if (entry.source_in_archive) return WriteArchivedData(a, sink, entry, fd.Get());
  uint64_t written = 0;
  XXH3_state_t* state = nullptr;  // only for checked files (the user's, see TreeEntry)
  if (entry.check_content) {
    state = XXH3_createState();
    if (state == nullptr) return Fail("tar: out of memory");
    XXH3_128bits_reset(state);
  }
  std::unique_ptr<XXH3_state_t, XXH_errorcode (*)(XXH3_state_t*)> state_owner(state,
                                                                              XXH3_freeState);
  // Reads ask for one byte more than is left: a file that grew since it was listed shows up
  // as a read past its size (an error: the tar header holds the listed size), and a short
  // read that leaves nothing means end of file, with no last read returning 0 (one syscall per
  // file saved).
  while (written <= entry.size) {
    size_t room = 0;
    char* buffer = sink.pipeline->Tail(room);
    size_t want = static_cast<size_t>(
        std::min<uint64_t>(std::min(room, kReadBuffer), entry.size - written + 1));
    ssize_t n = ::read(fd.Get(), buffer, want);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Fail("cannot read " + entry.source_path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    if (written + static_cast<uint64_t>(n) > entry.size)
      return Fail("file changed while archiving: " + entry.source_path);
    if (state) XXH3_128bits_update(state, buffer, static_cast<size_t>(n));
    if (archive_write_data(a, buffer, static_cast<size_t>(n)) < 0)
      return ArchiveError(a, sink, entry.tar_path);
    written += static_cast<uint64_t>(n);
    if (written == entry.size && static_cast<size_t>(n) < want) break;
  }
  if (written != entry.size) return Fail("file changed while archiving: " + entry.source_path);
  if (state) {
    XXH128_hash_t digest = XXH3_128bits_digest(state);
    if (digest.high64 != entry.content_high || digest.low64 != entry.content_low)
      return ChangedDuringBuild(entry.source_path);
  }
  return llvm::Error::success();
}

}  // namespace

llvm::Error WriteLayerStream(const std::string& dir, const LayerOptions& options, ByteSink& out,
                             std::string& diff_id) {
  llvm::Expected<std::vector<TreeEntry>> entries = ScanTree(dir);
  if (!entries) return entries.takeError();
  return WriteLayerStream(*entries, options, out, diff_id);
}

namespace {

// Writes the tar of `entries` into `pipeline` (which the caller closes), and its sha256 into
// `tar_hash` when given.
template <typename Pipeline>
llvm::Error WriteTar(const std::vector<TreeEntry>& entries, const LayerOptions& options,
                     Pipeline& pipeline, store::Sha256* tar_hash) {
  ScopedCLocale c_locale;
  TarSink sink;
  sink.pipeline = &pipeline;
  sink.close = [&] { return pipeline.Close(); };
  sink.hash = tar_hash;
  std::unique_ptr<struct archive, ArchiveFree> a(archive_write_new());
  std::unique_ptr<struct archive_entry, EntryFree> e(archive_entry_new());
  if (!a || !e) return Fail("tar: out of memory");
  archive_write_set_format_pax_restricted(a.get());
  // A file capability as the one pax record Docker's and containerd's tars use for it
  // (libarchive would add its own LIBARCHIVE.xattr record beside it).
  if (archive_write_set_format_option(a.get(), "pax", "xattrheader", "SCHILY") != ARCHIVE_OK)
    return ArchiveError(a.get(), sink, "xattrheader");
  // Unblocked output: no padding to 10 KiB records (as Go's archive/tar), and large data
  // writes pass straight through to the hash and the compressor without a copy.
  archive_write_set_bytes_per_block(a.get(), 0);
  if (archive_write_open2(a.get(), &sink, nullptr, TarWrite, nullptr, nullptr) != ARCHIVE_OK)
    return ArchiveError(a.get(), sink, "open");

  for (const TreeEntry& entry : entries) {
    FillEntry(e.get(), entry, options.source_date_epoch);
    // ARCHIVE_WARN only means "name stored as raw bytes" (see ScopedCLocale).
    if (archive_write_header(a.get(), e.get()) < ARCHIVE_WARN)
      return ArchiveError(a.get(), sink, entry.tar_path);
    if (entry.kind == EntryKind::kFile && (entry.size > 0 || entry.check_content)) {
      if (llvm::Error err = WriteFileData(a.get(), sink, entry)) return err;
    }
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) return ArchiveError(a.get(), sink, "close");
  return llvm::Error::success();
}

// Hands `next` chunks of about `chunk` bytes on the writing thread itself. The compressor takes
// the reading thread's chunks this way: libzstd copies its input into its own job buffers at
// once (gzip queues whole chunks for its workers), so a thread between them only added a
// sleep and a wake-up per chunk, each a wait for a core on a loaded machine.
class ChunkedSink final : public ByteSink {
 public:
  ChunkedSink(ByteSink& next, size_t chunk)
      : next_(next), chunk_(chunk), capacity_(2 * chunk), buffer_(new char[2 * chunk]) {}
  ~ChunkedSink() override { llvm::consumeError(std::move(error_)); }

  llvm::Error Write(const char* data, size_t size) override {
    if (error_) return Failed();
    if (data == buffer_.get() + size_ && size <= capacity_ - size_) {
      size_ += size;  // read in place through Tail()
    } else {
      if (size_ + size > capacity_) Flush();
      if (size > capacity_) {
        Forward(data, size);
      } else {
        std::memcpy(buffer_.get() + size_, data, size);
        size_ += size;
      }
    }
    if (size_ >= chunk_) Flush();
    return error_ ? Failed() : llvm::Error::success();
  }
  // At least `chunk` bytes: a Write leaves less than a chunk behind.
  char* Tail(size_t& room) override {
    room = capacity_ - size_;
    return buffer_.get() + size_;
  }
  // Hands over the rest; the first error of `next`.
  llvm::Error Close() {
    Flush();
    return std::move(error_);
  }

 private:
  void Flush() {
    if (size_ > 0) Forward(buffer_.get(), size_);
    size_ = 0;
  }
  void Forward(const char* data, size_t size) {
    if (error_) return;
    if (llvm::Error err = next_.Write(data, size)) error_ = std::move(err);
  }
  static llvm::Error Failed() {
    return llvm::createStringError(std::make_error_code(std::errc::io_error),
                                   "layer stream: the compressor failed");
  }

  ByteSink& next_;
  const size_t chunk_;
  const size_t capacity_;
  std::unique_ptr<char[]> buffer_;
  size_t size_ = 0;
  llvm::Error error_ = llvm::Error::success();
};

// The stream, with the tar's own sha256 (the diff_id) unless `hash_tar` is false.
llvm::Error StreamLayer(const std::vector<TreeEntry>& entries, const LayerOptions& options,
                        ByteSink& out, bool hash_tar, std::string& diff_id) {
  llvm::Expected<std::unique_ptr<Compressor>> compressor =
      MakeCompressor(options.compression, out, options.threads, options.level);
  if (!compressor) return compressor.takeError();

  store::Sha256 tar_hash;
  ChunkedSink pipeline(**compressor, kChunk);
  if (llvm::Error err = WriteTar(entries, options, pipeline, hash_tar ? &tar_hash : nullptr))
    return err;
  if (llvm::Error err = pipeline.Close()) return err;
  if (llvm::Error err = (*compressor)->Finish()) return err;
  if (hash_tar) diff_id = tar_hash.Digest();
  return llvm::Error::success();
}

// A plain tar straight into its blob: the blob's sha256 (which is the diff_id) is taken on the
// reading thread (TarSink) and the file is written by the tar's chunks' consumer on another,
// so hash and writes run at once (the RUN's 50 MB layer of the cold build: ~60 ms of each).
llvm::Error StreamPlainLayer(const std::vector<TreeEntry>& entries, const LayerOptions& options,
                             store::BlobWriter& writer) {
  ChunkFanout pipeline(
      {[&](const char* data, size_t size) { return writer.WriteFileOnly(data, size); }}, kChunk,
      kMaxQueued);
  llvm::Error streamed = WriteTar(entries, options, pipeline, &writer.Hash());
  llvm::Error written = pipeline.Close();
  if (written) {  // the root cause of a failed stream, when the blob could not be written
    llvm::consumeError(std::move(streamed));
    return written;
  }
  return streamed;
}

}  // namespace

llvm::Error WriteLayerStream(const std::vector<TreeEntry>& entries, const LayerOptions& options,
                             ByteSink& out, std::string& diff_id) {
  return StreamLayer(entries, options, out, /*hash_tar=*/true, diff_id);
}

std::string LayerEntriesKeyLine() { return "layer-entries=3\n"; }

llvm::Expected<LayerDescriptor> WriteLayer(const store::Store& store, const std::string& dir,
                                           const LayerOptions& options) {
  llvm::Expected<std::vector<TreeEntry>> entries = ScanTree(dir);
  if (!entries) return entries.takeError();
  return WriteLayer(store, *entries, options);
}

llvm::Expected<LayerDescriptor> WriteLayer(const store::Store& store,
                                           const std::vector<TreeEntry>& entries,
                                           const LayerOptions& options) {
  llvm::Expected<store::BlobWriter> writer = store.NewBlobWriter();
  if (!writer) return writer.takeError();
  LayerDescriptor layer;
  LayerOptions stream_options = options;
  layer.deferred = options.defer && options.compression != Compression::kNone;
  if (layer.deferred) stream_options.compression = Compression::kNone;
  // A plain tar is its own blob: the blob writer's sha256 is the diff_id (one hash, not two).
  bool plain = stream_options.compression == Compression::kNone;
  if (plain) {
    if (llvm::Error err = StreamPlainLayer(entries, stream_options, *writer)) return err;
  } else {
    // The blob's sha256 and writes run on a thread of their own, beside the compressor. Not on
    // the thread the compressed bytes come out on: with zstd that is the reading thread, which
    // also reads, checks and hashes the tar and feeds libzstd; with three busy threads on two
    // cores it gets two thirds of one and is the pipeline's bottleneck (the 507 MB COPY:
    // 1.59–1.74 s → 1.46–1.54 s of wall, same bytes).
    ChunkFanout blob({[&](const char* data, size_t size) { return writer->Write(data, size); }},
                     kBlobChunk, kMaxQueued);
    llvm::Error streamed = StreamLayer(entries, stream_options, blob, true, layer.diff_id);
    llvm::Error written = blob.Close();
    if (written) {  // the root cause of a failed stream, when the blob could not be written
      llvm::consumeError(std::move(streamed));
      return written;
    }
    if (streamed) return streamed;
  }
  layer.size = writer->Size();
  llvm::Expected<std::string> digest = writer->Commit();
  if (!digest) return digest.takeError();
  layer.digest = std::move(*digest);
  if (plain) layer.diff_id = layer.digest;
  layer.media_type = LayerMediaType(stream_options.compression);
  // A compressed layer's tree, for a later step of this build that lists it (tar_index.h); a
  // plain one is listed from its tar.
  if (layer.digest != layer.diff_id) RememberListing(layer.diff_id, entries);
  return layer;
}

}  // namespace strata::oci
