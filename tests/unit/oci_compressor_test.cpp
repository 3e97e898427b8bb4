// Compressor tests: gzip and zstd round-trip in process and give the same bytes for any thread
// count; gzip is a sequence of members, each made from its own 1 MiB chunk.
#include <zlib.h>
#include <zstd.h>

#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "runtime/oci/chunk_fanout.h"
#include "runtime/oci/compressor.h"

using strata::oci::Compression;

namespace {

class StringSink final : public strata::oci::ByteSink {
 public:
  llvm::Error Write(const char* data, size_t size) override {
    bytes.append(data, size);
    return llvm::Error::success();
  }
  std::string bytes;
};

// About 5 MiB: text runs and random runs, so chunks cross both kinds of data.
std::string MixedInput() {
  std::mt19937 rng(42);
  std::string data;
  while (data.size() < (5u << 20) + 12345) {
    for (int i = 0; i < 2000; ++i) data += "line " + std::to_string(i % 97) + " of some text\n";
    for (int i = 0; i < 70000; ++i) data += static_cast<char>(rng());
  }
  return data;
}

std::string Compress(Compression kind, const std::string& input, int threads, size_t piece) {
  StringSink sink;
  llvm::Expected<std::unique_ptr<strata::oci::Compressor>> c =
      strata::oci::MakeCompressor(kind, sink, threads, -1);
  REQUIRE(static_cast<bool>(c));
  for (size_t pos = 0; pos < input.size(); pos += piece)
    REQUIRE_FALSE(
        static_cast<bool>((*c)->Write(input.data() + pos, std::min(piece, input.size() - pos))));
  REQUIRE_FALSE(static_cast<bool>((*c)->Finish()));
  return sink.bytes;
}

// Every member in turn (RFC 1952: a gzip file may hold several); `members` counts them.
std::string Gunzip(const std::string& gz, int* members = nullptr) {
  z_stream zs{};
  REQUIRE(inflateInit2(&zs, 16 + 15) == Z_OK);
  std::string out;
  char buf[65536];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  int count = 0;
  for (;;) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    int rc = inflate(&zs, Z_NO_FLUSH);
    REQUIRE((rc == Z_OK || rc == Z_STREAM_END));  // Z_DATA_ERROR on a bad CRC or length
    out.append(buf, sizeof buf - zs.avail_out);
    if (rc != Z_STREAM_END) continue;
    ++count;
    if (zs.avail_in == 0) break;
    REQUIRE(inflateReset(&zs) == Z_OK);  // the next member, header and all
  }
  inflateEnd(&zs);
  if (members) *members = count;
  return out;
}

std::string Unzstd(const std::string& z) {
  ZSTD_DCtx* ctx = ZSTD_createDCtx();
  std::string out;
  std::string buf(ZSTD_DStreamOutSize(), '\0');
  ZSTD_inBuffer in{z.data(), z.size(), 0};
  while (in.pos < in.size) {
    ZSTD_outBuffer o{buf.data(), buf.size(), 0};
    size_t rc = ZSTD_decompressStream(ctx, &o, &in);
    REQUIRE_FALSE(ZSTD_isError(rc));
    out.append(buf.data(), o.pos);
  }
  ZSTD_freeDCtx(ctx);
  return out;
}

}  // namespace

TEST_CASE("oci: parallel gzip round-trips and ignores the thread count", "[oci]") {
  const std::string input = MixedInput();
  std::string one = Compress(Compression::kGzip, input, 1, 10240);
  std::string two = Compress(Compression::kGzip, input, 2, 1 << 20);
  std::string three = Compress(Compression::kGzip, input, 3, 777);
  CHECK(one == two);
  CHECK(one == three);
  CHECK(one.size() < input.size());
  CHECK(Gunzip(two) == input);
  // Fixed header: no mtime, OS byte "unknown".
  REQUIRE(one.size() > 10);
  CHECK(std::string(one.data() + 4, 4) == std::string(4, '\0'));
  CHECK(static_cast<unsigned char>(one[9]) == 0xff);
}

TEST_CASE("oci: gzip stores incompressible chunks and still deflates repeats", "[oci]") {
  std::mt19937 rng(7);
  std::string random;
  for (int i = 0; i < (3 << 20) + 999; ++i) random += static_cast<char>(rng());
  // Random bytes: stored blocks (5 bytes of header per 65,535), a member (18 bytes) per chunk
  // and one for the 999-byte tail, the same for any thread count.
  std::string one = Compress(Compression::kGzip, random, 1, 4096);
  std::string four = Compress(Compression::kGzip, random, 4, 1 << 20);
  CHECK(one == four);
  CHECK(one.size() <= random.size() + (random.size() / 65535 + 4) * 5 + 4 * 18 + 64);
  CHECK(Gunzip(four) == random);
  // A 20 KiB random block repeated: a flat byte histogram, but deflate's matches shrink it, and
  // they must not be given up for stored blocks.
  std::string repeated;
  while (repeated.size() < (2u << 20)) repeated += random.substr(0, 20000);
  std::string gz = Compress(Compression::kGzip, repeated, 2, 1 << 16);
  CHECK(gz.size() < repeated.size() / 10);
  CHECK(Gunzip(gz) == repeated);
  // Random runs between text runs inside chunks: deflated, stored, deflated members.
  std::string mixed = MixedInput() + random + MixedInput();
  std::string m1 = Compress(Compression::kGzip, mixed, 1, 1 << 20);
  CHECK(m1 == Compress(Compression::kGzip, mixed, 4, 333333));
  int members = 0;
  CHECK(Gunzip(m1, &members) == mixed);
  CHECK(members > static_cast<int>(mixed.size() >> 20) + 1);
}

TEST_CASE("oci: gzip members depend on their own 1 MiB chunk alone", "[oci]") {
  const std::string input = MixedInput();
  const std::string head = input.substr(0, 2u << 20), tail = input.substr(2u << 20);
  // Cut at a chunk boundary, the stream is the two halves' streams one after the other.
  CHECK(Compress(Compression::kGzip, input, 2, 4096) ==
        Compress(Compression::kGzip, head, 1, 1 << 20) +
            Compress(Compression::kGzip, tail, 3, 65536));
  int members = 0;
  CHECK(Gunzip(Compress(Compression::kGzip, head, 2, 1 << 20), &members) == head);
  CHECK(members >= 2);
}

TEST_CASE("oci: gzip levels: the default is 6, a level libdeflate lacks is an error", "[oci]") {
  CHECK(strata::oci::DefaultLevel(Compression::kGzip) == 6);
  CHECK(strata::oci::DefaultLevel(Compression::kZstd) == 3);
  const std::string input = MixedInput();
  StringSink six, fallback, one;
  for (auto [sink, level] : {std::pair{&six, 6}, std::pair{&fallback, -1}, std::pair{&one, 1}}) {
    auto c = strata::oci::MakeCompressor(Compression::kGzip, *sink, 2, level);
    REQUIRE(static_cast<bool>(c));
    REQUIRE_FALSE(static_cast<bool>((*c)->Write(input.data(), input.size())));
    REQUIRE_FALSE(static_cast<bool>((*c)->Finish()));
  }
  CHECK(six.bytes == fallback.bytes);
  CHECK(one.bytes != six.bytes);
  CHECK(Gunzip(one.bytes) == input);
  StringSink sink;
  auto bad = strata::oci::MakeCompressor(Compression::kGzip, sink, 2, 13);
  REQUIRE_FALSE(static_cast<bool>(bad));
  CHECK(llvm::toString(bad.takeError()).find("level 13") != std::string::npos);
}

TEST_CASE("oci: each encoder has an identity naming the library version it was built with",
          "[oci]") {
  std::string gzip = strata::oci::EncoderIdentity(Compression::kGzip);
  CHECK(gzip.find("libdeflate-") != std::string::npos);
  std::string zstd = strata::oci::EncoderIdentity(Compression::kZstd);
  CHECK(zstd == std::string("zstd-jobs-v1 libzstd-") + ZSTD_versionString());
  CHECK(std::string(strata::oci::EncoderIdentity(Compression::kNone)).empty());
  CHECK(strata::oci::EncoderKeyLine(Compression::kZstd) == "encoder=" + zstd + "\n");
}

TEST_CASE("oci: gzip of empty input is a valid empty stream", "[oci]") {
  std::string gz = Compress(Compression::kGzip, "", 2, 1);
  CHECK(Gunzip(gz).empty());
}

TEST_CASE("oci: zstd round-trips and ignores the thread count", "[oci]") {
  const std::string input = MixedInput();
  std::string one = Compress(Compression::kZstd, input, 1, 10240);
  std::string two = Compress(Compression::kZstd, input, 2, 1 << 20);
  std::string four = Compress(Compression::kZstd, input, 4, 4096);
  CHECK(one == two);
  CHECK(one == four);
  CHECK(one.size() < input.size());
  CHECK(Unzstd(two) == input);
}

TEST_CASE("oci: zstd writes the same bytes straight into a sink's own buffer (Tail)", "[oci]") {
  const std::string input = MixedInput();
  std::string through_buffer = Compress(Compression::kZstd, input, 2, 1 << 20);
  std::string through_tail;
  {
    // Small chunks: libzstd fills many tails of 4-8 KiB, each written in place.
    strata::oci::ChunkFanout fanout({[&](const char* data, size_t size) {
                                      through_tail.append(data, size);
                                      return llvm::Error::success();
                                    }},
                                    4096, 4);
    llvm::Expected<std::unique_ptr<strata::oci::Compressor>> c =
        strata::oci::MakeCompressor(Compression::kZstd, fanout, 2, -1);
    REQUIRE(static_cast<bool>(c));
    size_t room = 0;
    REQUIRE(fanout.Tail(room) != nullptr);
    CHECK(room >= 4096);
    for (size_t pos = 0; pos < input.size(); pos += 1 << 20)
      REQUIRE_FALSE(static_cast<bool>(
          (*c)->Write(input.data() + pos, std::min<size_t>(1 << 20, input.size() - pos))));
    REQUIRE_FALSE(static_cast<bool>((*c)->Finish()));
    REQUIRE_FALSE(static_cast<bool>(fanout.Close()));
  }
  CHECK(through_tail == through_buffer);
  CHECK(Unzstd(through_tail) == input);
}

TEST_CASE("oci: no compression passes bytes through", "[oci]") {
  CHECK(Compress(Compression::kNone, "hello tar", 2, 3) == "hello tar");
  CHECK(std::string(strata::oci::LayerMediaType(Compression::kZstd)) ==
        "application/vnd.oci.image.layer.v1.tar+zstd");
}
