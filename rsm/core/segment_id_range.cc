// SPDX-License-Identifier: BSD-3-Clause
#include "rsm/core/segment_id_range.h"

#include <sys/types.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace rsm::core {
namespace {

// What isspace() accepts in the C locale, which is how Solaris's parser
// split fields and skipped leading blanks.
constexpr absl::string_view kBlanks = " \t\n\v\f\r";

constexpr absl::string_view kReservedKeyword = "reserved";

struct FileCloser {
  void operator()(FILE* file) const { std::fclose(file); }
};

// Lines of any length, through getline, whose buffer grows with realloc and
// must be freed even when nothing was read.
class LineReader {
 public:
  explicit LineReader(FILE* file) : file_(file) {}
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  ~LineReader() { std::free(buffer_); }

  // The next line, with its '\n', valid until the next call; nullopt at the
  // end of the file or on a read error (see ferror).
  std::optional<absl::string_view> Next() {
    const ssize_t length = getline(&buffer_, &capacity_, file_);
    if (length < 0) return std::nullopt;
    return absl::string_view(buffer_, static_cast<size_t>(length));
  }

 private:
  FILE* file_;
  char* buffer_ = nullptr;
  size_t capacity_ = 0;
};

absl::Status BadLine(absl::string_view path, int line_number,
                     absl::string_view problem) {
  return absl::FailedPreconditionError(
      absl::StrCat(path, ":", line_number, ": ", problem));
}

// All of `text` as a number in `base` that fits in 32 bits. Stricter than
// Solaris's strtol, which stopped at the first bad character and so read
// "10x" as 10: a typo must not silently reserve other ids. No sign is
// accepted; a hex number may start with "0x", as strtol allowed.
std::optional<uint32_t> ParseUint32(absl::string_view text, int base) {
  if (base == 16 && absl::StartsWithIgnoreCase(text, "0x")) {
    text.remove_prefix(2);
  }
  if (text.empty()) return std::nullopt;
  uint32_t value = 0;
  const char* end = text.data() + text.size();
  const std::from_chars_result result =
      std::from_chars(text.data(), end, value, base);
  if (result.ec != std::errc() || result.ptr != end) return std::nullopt;
  return value;
}

// The matching line's range, or why it is malformed.
absl::StatusOr<SegmentIdRange> ParseMatch(
    absl::string_view path, int line_number,
    const std::vector<absl::string_view>& fields) {
  if (!absl::EqualsIgnoreCase(fields[0], kReservedKeyword)) {
    return BadLine(path, line_number,
                   absl::StrCat("keyword is '", fields[0], "', not '",
                                kReservedKeyword, "'"));
  }
  // Solaris took the rest of the line as the length and ignored what
  // followed the number; here the length must be the last field.
  if (fields.size() > 4) {
    return BadLine(
        path, line_number,
        absl::StrCat("unexpected '", fields[4], "' after the length"));
  }
  const std::optional<uint32_t> base = ParseUint32(fields[2], 16);
  if (!base.has_value()) {
    return BadLine(path, line_number,
                   absl::StrCat("base id '", fields[2],
                                "' is not a hexadecimal number below 2^32"));
  }
  const std::optional<uint32_t> length = ParseUint32(fields[3], 10);
  if (!length.has_value()) {
    return BadLine(path, line_number,
                   absl::StrCat("length '", fields[3],
                                "' is not a decimal number below 2^32"));
  }
  // Segment ids are 32 bits: a range that wraps past 0xFFFFFFFF would hand
  // the application ids starting again at 0, the drivers' range.
  if (uint64_t{*base} + *length > (uint64_t{1} << 32)) {
    return BadLine(path, line_number,
                   absl::StrCat("range 0x", absl::Hex(*base), " + ", *length,
                                " goes past 0xffffffff"));
  }
  return SegmentIdRange{*base, *length};
}

}  // namespace

std::string SegmentIdFilePath() {
  const char* path = secure_getenv(kSegmentIdFileEnvVar);
  if (path == nullptr || *path == '\0') return kDefaultSegmentIdFile;
  return path;
}

absl::StatusOr<SegmentIdRange> FindSegmentIdRange(absl::string_view path,
                                                  absl::string_view appid) {
  // "e": no descriptor leaks into a child a threaded caller forks and execs.
  std::unique_ptr<FILE, FileCloser> file(
      std::fopen(std::string(path).c_str(), "re"));
  if (file == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  LineReader lines(file.get());
  int line_number = 0;
  while (const std::optional<absl::string_view> line = lines.Next()) {
    ++line_number;
    if (absl::StartsWith(absl::StripLeadingAsciiWhitespace(*line), "#")) {
      continue;
    }
    // Every line read, not only the match, must be complete: Solaris stopped
    // at the first short line, blank lines included.
    const std::vector<absl::string_view> fields =
        absl::StrSplit(*line, absl::ByAnyChar(kBlanks), absl::SkipEmpty());
    if (fields.size() < 4) {
      return BadLine(
          path, line_number,
          absl::StrCat(fields.size(), " fields, want 4: ", kReservedKeyword,
                       " <appid> <baseid-hex> <length-decimal>"));
    }
    if (absl::EqualsIgnoreCase(fields[1], appid)) {
      return ParseMatch(path, line_number, fields);
    }
  }
  if (std::ferror(file.get())) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  return absl::NotFoundError(
      absl::StrCat("no line of ", path, " reserves ids for '", appid, "'"));
}

int SegmentIdRangeCode(const absl::Status& status) {
  if (status.ok()) return RSM_SUCCESS;
  return absl::IsNotFound(status) ? RSMERR_BAD_APPID : RSMERR_BAD_CONF;
}

}  // namespace rsm::core
