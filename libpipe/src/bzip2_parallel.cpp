// bzip2 on several cores. A bzip2 block is independent of the others: it starts with the
// 48-bit magic 0x314159265359 at any bit position, and a stream ends with 0x177245385090
// and the stream's CRC. So the compressed bits are cut at these magics, each block is
// wrapped into a one-block stream of its own ("BZh9", the block, the end magic, the
// block's CRC as the stream's), decoded by libbz2 on a worker thread, and handed out in
// order. lbzip2 decodes the same way.
//
// A magic can also occur by chance inside compressed data (about once in 2^48 bit
// positions). A block cut at such a false magic does not decode; it is then decoded again
// joined with the pieces after it, so a false magic never loses data. Each stream's CRC is
// still checked against its blocks' CRCs.
//
// Only for inputs that never block (files): a block is known to be complete only when the
// next magic arrives, which on a slow pipe would hold back output the one-thread decoder
// (bzip2_source.cpp) hands out at once.
#include <bzlib.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <new>
#include <optional>
#include <thread>
#include <vector>

#include "decoder.hpp"
#include "libpipe/signals.hpp"

namespace libpipe::detail {

namespace {

constexpr std::uint64_t block_magic = 0x314159265359;
constexpr std::uint64_t end_magic = 0x177245385090;
constexpr unsigned magic_bits = 48;

// Appends bits, most significant first, as bzip2 writes them.
class BitWriter {
 public:
  explicit BitWriter(std::string& out) : out_(out) {}
  void put(std::uint64_t value, unsigned bits) {  // bits <= 48
    for (unsigned left = bits; left > 0;) {
      unsigned take = std::min(left, 16u);
      left -= take;
      acc_ = (acc_ << take) | ((value >> left) & ((1u << take) - 1));
      n_ += take;
      while (n_ >= 8) {
        n_ -= 8;
        out_.push_back(static_cast<char>(acc_ >> n_));
      }
    }
  }
  // `nbits` bits of `bytes`, starting at bit `offset` (0-7) of its first byte.
  void put_bits(const std::uint8_t* bytes, unsigned offset, std::uint64_t nbits) {
    std::uint64_t whole = nbits / 8;
    for (std::uint64_t j = 0; j < whole; ++j) {
      unsigned two = (unsigned{bytes[j]} << 8) | (offset > 0 ? bytes[j + 1] : 0);
      put((two >> (8 - offset)) & 0xFF, 8);
    }
    unsigned rest = static_cast<unsigned>(nbits % 8);
    if (rest > 0) {
      unsigned two = (unsigned{bytes[whole]} << 8) | (offset + rest > 8 ? bytes[whole + 1] : 0);
      put((two >> (16 - offset - rest)) & ((1u << rest) - 1), rest);
    }
  }
  void pad() {
    if (n_ > 0) put(0, 8 - n_);
  }

 private:
  std::string& out_;
  std::uint64_t acc_ = 0;
  unsigned n_ = 0;
};

// Decoded bytes. Unlike std::string, growing it does not zero what is about to be written.
struct Bytes {
  std::unique_ptr<char[]> data;
  std::size_t size = 0;
  std::size_t capacity = 0;
  void grow(std::size_t at_least) {
    std::size_t cap = std::max(at_least, capacity * 2);
    std::unique_ptr<char[]> bigger(new char[cap]);
    if (size > 0) std::memcpy(bigger.get(), data.get(), size);
    data = std::move(bigger);
    capacity = cap;
  }
};

// One piece of the input between two magics, and what decoding it gave.
struct Piece {
  enum class Kind { block, stream_end, error } kind = Kind::block;
  // block: its bits, from the block magic to the next magic (or the end of the input)
  std::vector<std::uint8_t> bytes;
  unsigned offset = 0;       // of the first bit in bytes[0]
  std::uint64_t nbits = 0;
  std::uint32_t crc = 0;     // block: its stored CRC; stream_end: the stream's
  bool truncated = false;    // the input ended inside this block
  std::optional<Error> error;  // kind error: what is wrong

  // Filled by a worker.
  bool done = false;
  bool ok = false;
  Bytes out;
};

// Decodes pieces (joined) as one one-block stream; true when it decoded cleanly.
bool decode_pieces(const std::vector<const Piece*>& pieces, Bytes& out) {
  std::string stream;
  std::uint64_t total = 0;
  for (const Piece* p : pieces) total += p->nbits;
  stream.reserve(total / 8 + 32);
  BitWriter bits(stream);
  bits.put(0x425A6839, 32);  // "BZh9": the largest blocks, so any block fits
  for (const Piece* p : pieces) bits.put_bits(p->bytes.data(), p->offset, p->nbits);
  if (!pieces.back()->truncated) {
    bits.put(end_magic, magic_bits);
    bits.put(pieces.front()->crc, 32);  // one block: the stream's CRC is the block's
  }
  bits.pad();

  bz_stream bs;
  std::memset(&bs, 0, sizeof bs);
  if (BZ2_bzDecompressInit(&bs, 0, 0) != BZ_OK) throw std::bad_alloc();
  out.size = 0;
  // A block holds up to 900 kB before its run-length coding: most fit the first buffer.
  if (out.capacity == 0) out.grow(std::size_t{1} << 20);
  bs.next_in = stream.data();
  bs.avail_in = clamp_uint(stream.size());
  std::size_t produced = 0;
  int rc = BZ_OK;
  for (;;) {
    if (produced == out.capacity) {
      out.size = produced;
      out.grow(out.capacity * 2);
    }
    bs.next_out = out.data.get() + produced;
    bs.avail_out = clamp_uint(out.capacity - produced);
    unsigned before = bs.avail_out;
    unsigned in_before = bs.avail_in;
    rc = BZ2_bzDecompress(&bs);
    produced += before - bs.avail_out;
    if (rc != BZ_OK) break;
    if (bs.avail_in == 0 && bs.avail_out > 0) break;          // wants more: cut short
    if (in_before == bs.avail_in && before == bs.avail_out) break;  // no progress
  }
  BZ2_bzDecompressEnd(&bs);
  out.size = produced;
  if (rc == BZ_MEM_ERROR) throw std::bad_alloc();
  return rc == BZ_STREAM_END;
}

std::uint32_t next_stream_crc(std::uint32_t combined, std::uint32_t block_crc) {
  return ((combined << 1) | (combined >> 31)) ^ block_crc;
}

class ParallelBzip2Source final : public ByteSource {
 public:
  ParallelBzip2Source(std::unique_ptr<ByteSource> raw, unsigned threads)
      : raw_(std::move(raw)), max_pending_(2 * threads + 2) {
    for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
  }
  ~ParallelBzip2Source() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    work_ready_.notify_all();
    for (auto& t : workers_) t.join();
  }

 private:
  const std::string& name() const override { return raw_->name(); }

  // ---- Handing out, in order.
  std::size_t read(char* buf, std::size_t n) override {
    std::size_t produced = 0;
    while (produced < n) {
      if (out_pos_ < current_.size) {
        std::size_t take = std::min(n - produced, current_.size - out_pos_);
        std::memcpy(buf + produced, current_.data.get() + out_pos_, take);
        out_pos_ += take;
        produced += take;
        continue;
      }
      if (produced > 0) break;  // an error waiting after this output is thrown next time
      if (after_current_) {
        // Input cut short by SIGINT or SIGTERM is a stop, not damage.
        if (stop_requested()) return 0;
        throw *after_current_;
      }
      if (!next_piece()) break;
    }
    return produced;
  }

  // Makes the next piece's output current (or records what is wrong). False at the end.
  bool next_piece() {
    current_.size = 0;
    out_pos_ = 0;
    top_up();
    if (pending_.empty()) return false;
    std::shared_ptr<Piece> p = pending_.front();
    pending_.pop_front();
    switch (p->kind) {
      case Piece::Kind::error:
        after_current_ = p->error;
        return true;
      case Piece::Kind::stream_end:
        if (p->crc != stream_crc_) after_current_ = damage("corrupt bzip2 data (stream CRC mismatch)");
        stream_crc_ = 0;
        return true;
      case Piece::Kind::block:
        break;
    }
    wait_done(*p);
    if (p->ok) {
      stream_crc_ = next_stream_crc(stream_crc_, p->crc);
      current_ = std::move(p->out);
      return true;
    }
    if (!p->truncated && rejoin(p)) return true;
    // Really damaged (or cut short): what libbz2 decoded before noticing, then the error.
    current_ = std::move(p->out);
    after_current_ = damage(p->truncated ? "unexpected end of file (the bzip2 data is truncated)"
                                         : "corrupt bzip2 data");
    return true;
  }

  Error damage(std::string what) const { return Error(name(), std::move(what)); }

  // A block that does not decode may have been cut at a false magic: decode it joined with
  // the pieces that follow it in its stream (up to three), here, in order.
  bool rejoin(const std::shared_ptr<Piece>& first) {
    std::vector<const Piece*> joined{first.get()};
    for (std::size_t k = 0; k < 3; ++k) {
      while (pending_.size() <= k && scan_more()) {
      }
      if (pending_.size() <= k || pending_[k]->kind != Piece::Kind::block) return false;
      joined.push_back(pending_[k].get());
      Bytes out;
      if (decode_pieces(joined, out)) {
        pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(k + 1));
        stream_crc_ = next_stream_crc(stream_crc_, first->crc);
        current_ = std::move(out);
        return true;
      }
      if (joined.back()->truncated) return false;
    }
    return false;
  }

  void wait_done(const Piece& p) {
    std::unique_lock lock(mutex_);
    piece_done_.wait(lock, [&] { return p.done; });
  }

  // ---- The workers.
  void work() {
    for (;;) {
      std::shared_ptr<Piece> p;
      {
        std::unique_lock lock(mutex_);
        work_ready_.wait(lock, [&] { return stopping_ || !todo_.empty(); });
        if (stopping_) return;
        p = todo_.front();
        todo_.pop_front();
      }
      bool ok = false;
      Bytes out;
      try {
        ok = decode_pieces({p.get()}, out);
      } catch (const std::bad_alloc&) {
        ok = false;  // reported as damage by the reader, which retries in order
      }
      {
        std::lock_guard lock(mutex_);
        p->out = std::move(out);
        p->ok = ok;
        p->done = true;
      }
      piece_done_.notify_all();
    }
  }

  void submit(Piece&& piece) {
    auto p = std::make_shared<Piece>(std::move(piece));
    if (p->kind != Piece::Kind::block) p->done = true;
    pending_.push_back(p);
    if (p->kind == Piece::Kind::block) {
      {
        std::lock_guard lock(mutex_);
        todo_.push_back(p);
      }
      work_ready_.notify_one();
    }
  }

  // ---- Cutting the input at its magics.

  // Keeps the workers busy: scans until enough pieces are on their way.
  void top_up() {
    while (pending_.size() < max_pending_ && scan_more()) {
    }
  }

  // Adds at least one piece, reading input as needed. False at the end of the input.
  bool scan_more() {
    std::size_t before = pending_.size();
    while (pending_.size() == before && state_ != State::done) {
      if (!scan_step() && !read_more()) at_end_of_input();
    }
    return pending_.size() > before;
  }

  // Appends more raw input to data_. False at its end, or when it cannot be read: that
  // error then follows, in order, everything before it.
  bool read_more() {
    if (raw_eof_) return false;
    // Drop what no piece needs any more.
    std::uint64_t keep_from = (state_ == State::blocks ? seg_start_ / 8 : header_at_);
    std::size_t dead = static_cast<std::size_t>(keep_from - data_base_);
    if (dead > 0 && dead >= data_.size() / 2) {
      data_.erase(data_.begin(), data_.begin() + static_cast<std::ptrdiff_t>(dead));
      data_base_ += dead;
    }
    std::size_t kept = data_.size();
    data_.resize(kept + Decoder::input_block);
    std::size_t got = 0;
    try {
      got = raw_->read(reinterpret_cast<char*>(data_.data() + kept), Decoder::input_block);
    } catch (const Error& e) {
      read_error_ = e;
    }
    data_.resize(kept + got);
    return got > 0;
  }

  std::uint64_t end_byte() const noexcept { return data_base_ + data_.size(); }
  std::uint8_t byte_at(std::uint64_t abs) const noexcept { return data_[abs - data_base_]; }
  // The 48 bits starting at absolute bit `bit` (needs bit + 48 <= end_byte() * 8).
  std::uint64_t bits48(std::uint64_t bit) const noexcept { return bits_at(bit, 48); }
  std::uint64_t bits_at(std::uint64_t bit, unsigned n) const noexcept {
    std::uint64_t byte = bit / 8;
    unsigned shift = static_cast<unsigned>(bit % 8);
    std::uint64_t w = 0;
    for (unsigned i = 0; i < 8; ++i) {
      w <<= 8;
      if (byte + i < end_byte()) w |= byte_at(byte + i);
    }
    return (w << shift) >> (64 - n);
  }

  // One step of the scan with the bytes at hand; false when it needs more input.
  bool scan_step() {
    return state_ == State::header ? scan_header() : scan_blocks();
  }

  bool scan_header() {
    bool padding = false;
    while (header_at_ < end_byte() && byte_at(header_at_) == 0) {
      ++header_at_;
      padding = true;
    }
    if (padding) saw_padding_ = true;
    if (header_at_ == end_byte()) return false;
    if (saw_padding_ || (!first_stream_ && byte_at(header_at_) != 'B')) {
      error("trailing garbage after the bzip2 data");
      return true;
    }
    // "BZh1".."BZh9", then the first block's magic or the end magic: 10 bytes.
    if (end_byte() - header_at_ < 10) return false;
    if (byte_at(header_at_ + 1) != 'Z' || byte_at(header_at_ + 2) != 'h' ||
        byte_at(header_at_ + 3) < '1' || byte_at(header_at_ + 3) > '9') {
      error("corrupt bzip2 data (bad stream header)");
      return true;
    }
    first_stream_ = false;
    std::uint64_t bit = (header_at_ + 4) * 8;
    std::uint64_t magic = bits48(bit);
    if (magic == block_magic) {
      state_ = State::blocks;
      seg_start_ = bit;
      search_from_ = bit + magic_bits + 32;
      stream_crc_seen_ = 0;
      return true;
    }
    if (magic == end_magic) {  // an empty stream
      if (end_byte() - header_at_ < 14) return false;
      Piece end;
      end.kind = Piece::Kind::stream_end;
      end.crc = static_cast<std::uint32_t>(bits_at(bit + magic_bits, 32));
      submit(std::move(end));
      header_at_ += 14;
      return true;
    }
    error("corrupt bzip2 data (bad stream header)");
    return true;
  }

  bool scan_blocks() {
    // A magic at bit b needs bits up to b + 48; the end magic also its 32-bit CRC and one
    // byte more, to see what follows the stream.
    std::uint64_t have_bits = end_byte() * 8;
    while (search_from_ + magic_bits <= have_bits) {
      std::uint64_t found = find_magic(have_bits);
      if (found == no_magic) return false;
      std::uint64_t magic = bits48(found);
      if (magic == block_magic) {
        block_piece(found);
        seg_start_ = found;
        search_from_ = found + magic_bits + 32;
        return true;
      }
      // The end magic: a stream's CRC follows, then padding to a byte, then the next stream.
      std::uint64_t next_stream = (found + magic_bits + 32 + 7) / 8;
      if (next_stream >= end_byte() && !raw_eof_) return false;  // to see what follows
      std::uint32_t stored = static_cast<std::uint32_t>(bits_at(found + magic_bits, 32));
      if (next_stream > end_byte()) {  // the input ends inside the stream's CRC
        search_from_ = found + 1;
        continue;
      }
      if (next_stream < end_byte()) {
        std::uint8_t after = byte_at(next_stream);
        bool plausible = after == 'B' || after == 0 ||
                         stored == next_stream_crc(stream_crc_seen_, current_block_crc());
        if (!plausible) {  // an end magic by chance, inside a block
          search_from_ = found + 1;
          continue;
        }
      }
      block_piece(found);
      Piece end;
      end.kind = Piece::Kind::stream_end;
      end.crc = stored;
      submit(std::move(end));
      state_ = State::header;
      header_at_ = next_stream;
      return true;
    }
    return false;
  }

  static constexpr std::uint64_t no_magic = ~std::uint64_t{0};

  // The first bit position >= search_from_ where either magic starts, looking at bits
  // below have_bits; advances search_from_ past what it has looked at.
  std::uint64_t find_magic(std::uint64_t have_bits) {
    // Every 48-bit window holds, at some byte boundary, a whole byte of the magic's
    // 2nd to 5th bytes; a table of those bytes (for both magics and all 8 alignments)
    // rejects most positions with one look-up.
    while (search_from_ + magic_bits <= have_bits) {
      std::uint64_t byte = search_from_ / 8;
      // Look at windows starting in this byte; the byte 2 after it is wholly inside
      // every one of them (bits 16..23 of a window that starts 0..7 bits in).
      if (byte + 2 < end_byte() && !table().maybe[byte_at(byte + 2)]) {
        search_from_ = (byte + 1) * 8;
        continue;
      }
      std::uint64_t m = bits48(search_from_);
      if (m == block_magic || m == end_magic) return search_from_;
      ++search_from_;
    }
    return no_magic;
  }

  struct Table {
    bool maybe[256] = {};
    Table() {
      for (std::uint64_t magic : {block_magic, end_magic}) {
        for (unsigned shift = 0; shift < 8; ++shift) {
          // The window starts `shift` bits into a byte: the byte 2 after it holds the
          // magic's bits 16 - shift .. 23 - shift.
          maybe[(magic >> (48 - 24 + shift)) & 0xFF] = true;
        }
      }
    }
  };
  static const Table& table() {
    static const Table t;
    return t;
  }

  std::uint32_t current_block_crc() const {
    return static_cast<std::uint32_t>(bits_at(seg_start_ + magic_bits, 32));
  }

  // The block from seg_start_ to `end` (a bit position) becomes a piece for the workers.
  void block_piece(std::uint64_t end, bool truncated = false) {
    Piece p;
    p.kind = Piece::Kind::block;
    std::uint64_t first = seg_start_ / 8;
    std::uint64_t last = (end + 7) / 8;
    p.bytes.assign(data_.begin() + static_cast<std::ptrdiff_t>(first - data_base_),
                   data_.begin() + static_cast<std::ptrdiff_t>(last - data_base_));
    p.bytes.push_back(0);  // put_bits may look one byte ahead
    p.offset = static_cast<unsigned>(seg_start_ % 8);
    p.nbits = end - seg_start_;
    p.truncated = truncated;
    p.crc = seg_start_ + magic_bits + 32 <= end ? current_block_crc() : 0;
    stream_crc_seen_ = next_stream_crc(stream_crc_seen_, p.crc);
    submit(std::move(p));
  }

  void at_end_of_input() {
    raw_eof_ = true;
    if (read_error_) {  // reported after what came before
      Piece p;
      p.kind = Piece::Kind::error;
      p.error = *read_error_;
      submit(std::move(p));
      state_ = State::done;
      return;
    }
    if (scan_step()) return;  // the end of the input may settle what was waiting for it
    if (state_ == State::blocks) {
      block_piece(end_byte() * 8, true);
      state_ = State::done;
      return;
    }
    if (state_ == State::header && header_at_ < end_byte()) {
      error("unexpected end of file (the bzip2 data is truncated)");
      return;
    }
    state_ = State::done;
  }

  void error(std::string what) {
    Piece p;
    p.kind = Piece::Kind::error;
    p.error = damage(std::move(what));
    submit(std::move(p));
    state_ = State::done;
  }

  std::unique_ptr<ByteSource> raw_;
  std::optional<Error> read_error_;

  // Scanning.
  enum class State { header, blocks, done } state_ = State::header;
  std::vector<std::uint8_t> data_;  // raw input from absolute byte data_base_
  std::uint64_t data_base_ = 0;
  std::uint64_t header_at_ = 0;     // header: where the next stream should begin (byte)
  std::uint64_t seg_start_ = 0;     // blocks: the current block's magic (bit)
  std::uint64_t search_from_ = 0;   // blocks: where to look for the next magic (bit)
  std::uint32_t stream_crc_seen_ = 0;
  bool first_stream_ = true;
  bool saw_padding_ = false;
  bool raw_eof_ = false;

  // Handing out.
  std::size_t max_pending_;
  std::deque<std::shared_ptr<Piece>> pending_;  // in input order
  Bytes current_;
  std::size_t out_pos_ = 0;
  std::optional<Error> after_current_;
  std::uint32_t stream_crc_ = 0;

  // Workers.
  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable piece_done_;
  std::deque<std::shared_ptr<Piece>> todo_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace

std::unique_ptr<ByteSource> make_parallel_bzip2_source(std::unique_ptr<ByteSource> raw, unsigned threads) {
  return std::make_unique<ParallelBzip2Source>(std::move(raw), threads);
}

}  // namespace libpipe::detail
