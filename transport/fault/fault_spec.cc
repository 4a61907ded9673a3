// SPDX-License-Identifier: BSD-3-Clause
#include "transport/fault/fault_spec.h"

#include <charconv>
#include <iterator>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace rsm::transport {
namespace {

struct Probability {
  absl::string_view name;
  double FaultSpec::*field;
};

// In ToString's order.
constexpr Probability kProbabilities[] = {
    {"drop", &FaultSpec::drop},       {"duplicate", &FaultSpec::duplicate},
    {"reorder", &FaultSpec::reorder}, {"corrupt", &FaultSpec::corrupt},
    {"delay", &FaultSpec::delay},
};
constexpr absl::string_view kDelayUs = "delay_us";
constexpr absl::string_view kDigits = "0123456789";

const Probability* FindProbability(absl::string_view name) {
  const auto* it = absl::c_find_if(
      kProbabilities, [name](const Probability& p) { return p.name == name; });
  return it == std::end(kProbabilities) ? nullptr : it;
}

// The shortest decimal that reads back as exactly `value`, so that ToString
// round-trips ("0.1", not "0.10000000000000001").
std::string ShortestDecimal(double value) {
  char buffer[32];
  const std::to_chars_result result =
      std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

absl::Status BadItem(absl::string_view item, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("'", item, "': ", problem));
}

absl::StatusOr<double> ParseProbability(absl::string_view item,
                                        absl::string_view name,
                                        absl::string_view value) {
  double probability = 0;
  // The negated test also refuses NaN.
  if (!absl::SimpleAtod(value, &probability) ||
      !(probability >= 0 && probability <= 1)) {
    return BadItem(item,
                   absl::StrCat(name, " is not a probability from 0 to 1"));
  }
  return probability;
}

absl::StatusOr<uint32_t> ParseMicroseconds(absl::string_view item,
                                           absl::string_view value) {
  uint32_t us = 0;
  // SimpleAtoi alone would also take "+5" or "-0".
  if (value.empty() || value.find_first_not_of(kDigits) != value.npos ||
      !absl::SimpleAtoi(value, &us)) {
    return BadItem(item, absl::StrCat(kDelayUs,
                                      " is not a decimal number of "
                                      "microseconds from 0 to 4294967295"));
  }
  return us;
}

}  // namespace

bool FaultSpec::enabled() const {
  return absl::c_any_of(kProbabilities, [this](const Probability& p) {
    return this->*p.field > 0;
  });
}

std::string FaultSpec::ToString() const {
  std::vector<std::string> items;
  for (const Probability& p : kProbabilities) {
    if (this->*p.field != 0) {
      items.push_back(
          absl::StrCat(p.name, "=", ShortestDecimal(this->*p.field)));
    }
  }
  if (delay_us != FaultSpec().delay_us) {
    items.push_back(absl::StrCat(kDelayUs, "=", delay_us));
  }
  return items.empty() ? "none" : absl::StrJoin(items, ",");
}

bool operator==(const FaultSpec& a, const FaultSpec& b) {
  return a.drop == b.drop && a.duplicate == b.duplicate &&
         a.reorder == b.reorder && a.corrupt == b.corrupt &&
         a.delay == b.delay && a.delay_us == b.delay_us;
}

absl::StatusOr<FaultSpec> ParseFaultSpec(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  FaultSpec spec;
  if (text.empty() || text == "none") return spec;
  absl::flat_hash_set<std::string> seen;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (item.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("empty item in '", text, "'"));
    }
    const size_t equals = item.find('=');
    if (equals == item.npos) return BadItem(item, "not name=value");
    const absl::string_view name =
        absl::StripAsciiWhitespace(item.substr(0, equals));
    const absl::string_view value =
        absl::StripAsciiWhitespace(item.substr(equals + 1));
    if (!seen.insert(std::string(name)).second) {
      return BadItem(item, absl::StrCat(name, " is given twice"));
    }
    if (name == kDelayUs) {
      absl::StatusOr<uint32_t> us = ParseMicroseconds(item, value);
      if (!us.ok()) return us.status();
      spec.delay_us = *us;
    } else if (const Probability* p = FindProbability(name)) {
      absl::StatusOr<double> probability = ParseProbability(item, name, value);
      if (!probability.ok()) return probability.status();
      spec.*p->field = *probability;
    } else {
      return BadItem(item, absl::StrCat("unknown fault '", name,
                                        "' (expected drop, duplicate, reorder, "
                                        "corrupt, delay or delay_us)"));
    }
  }
  return spec;
}

}  // namespace rsm::transport
