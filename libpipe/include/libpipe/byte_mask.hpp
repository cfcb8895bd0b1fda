#pragma once
// Where a byte occurs in 64 bytes, as a bit mask: the building block of the whole-buffer
// scans of gsum (every newline of a block) and ggrep (two bytes of the literal at once).
// SSE2 where the compiler has it (every x86-64), a plain loop elsewhere; the pair also with
// AVX2, for code that checks the CPU has it.
//
//   std::uint64_t m = libpipe::byte_mask64(p, '\n');   // bit i: p[i] == '\n'
//   while (m) { std::size_t i = libpipe::next_bit(m); … }
//
// All 64 bytes must be readable: LineReader's padding makes that so up to 64 bytes past the
// end of what it hands out.

#include <cstddef>
#include <cstdint>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace libpipe {

inline std::uint64_t byte_mask64(const char* p, char c) noexcept {
#ifdef __SSE2__
  const __m128i needle = _mm_set1_epi8(c);
  auto part = [&](int i) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, needle))));
  };
  return part(0) | part(1) << 16 | part(2) << 32 | part(3) << 48;
#else
  std::uint64_t m = 0;
  for (int i = 0; i < 64; ++i) m |= static_cast<std::uint64_t>(p[i] == c) << i;
  return m;
#endif
}

// Bit i set when p1[i] == c1 and p2[i] == c2, for 64 positions: two bytes of a literal at
// their distance. Most blocks of 64 hold no such pair, and are told apart with one test.
inline std::uint64_t pair_mask64(const char* p1, char c1, const char* p2, char c2) noexcept {
#ifdef __SSE2__
  const __m128i n1 = _mm_set1_epi8(c1), n2 = _mm_set1_epi8(c2);
  auto part = [&](int i) {
    __m128i a = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p1 + 16 * i)), n1);
    __m128i b = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p2 + 16 * i)), n2);
    return _mm_and_si128(a, b);
  };
  const __m128i r0 = part(0), r1 = part(1), r2 = part(2), r3 = part(3);
  if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(r0, r1), _mm_or_si128(r2, r3))) == 0) return 0;
  auto bits = [](__m128i r) { return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(r))); };
  return bits(r0) | bits(r1) << 16 | bits(r2) << 32 | bits(r3) << 48;
#else
  return byte_mask64(p1, c1) & byte_mask64(p2, c2);
#endif
}

#if defined(__x86_64__) && defined(__GNUC__)
#define LIBPIPE_PAIR_MASK_AVX2 1
// pair_mask64 with 32-byte vectors, for callers compiled with target("avx2") and run only where
// the CPU has it (__builtin_cpu_supports): half the instructions, which pays when the bytes are
// in the cache, as a block just read is.
[[gnu::target("avx2"), gnu::always_inline]] inline std::uint64_t pair_mask64_avx2(const char* p1, char c1, const char* p2,
                                                                                  char c2) noexcept {
  const __m256i n1 = _mm256_set1_epi8(c1), n2 = _mm256_set1_epi8(c2);
  const __m256i lo = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p1)), n1),
                                      _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p2)), n2));
  const __m256i hi =
      _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p1 + 32)), n1),
                       _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p2 + 32)), n2));
  const __m256i any = _mm256_or_si256(lo, hi);
  if (_mm256_testz_si256(any, any)) return 0;
  return static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(lo))) |
         static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(hi))) << 32;
}
#endif

// The bits of a mask below n (0 to 64).
inline std::uint64_t low_bits(std::size_t n) noexcept { return n >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1; }

// The position of the lowest set bit of a non-zero mask, which is then cleared.
inline std::size_t next_bit(std::uint64_t& m) noexcept {
  auto i = static_cast<std::size_t>(__builtin_ctzll(m));
  m &= m - 1;
  return i;
}

}  // namespace libpipe
