// Query and Scan rules shared by the local backends: sort-key ranges, page
// token checks, page assembly. Declared in item_ops.h.

#include "store/item_ops.h"

namespace aw::store {
namespace {

Status ForeignToken() { return Status::InvalidArgument("page token does not belong to this query"); }

}  // namespace

bool SkRange::Contains(const std::string& s) const {
  if (lo && (lo_inclusive ? s < *lo : s <= *lo)) return false;
  if (hi && (hi_inclusive ? s > *hi : s >= *hi)) return false;
  return true;
}

std::optional<std::string> PrefixSuccessor(const std::string& prefix) {
  std::string s = prefix;
  while (!s.empty()) {
    auto last = static_cast<unsigned char>(s.back());
    if (last != 0xFF) {
      s.back() = static_cast<char>(last + 1);
      return s;
    }
    s.pop_back();
  }
  return std::nullopt;
}

Result<SkRange> RangeOf(const SortCondition& cond) {
  using Op = SortCondition::Op;
  SkRange r;
  switch (cond.op) {
    case Op::kNone:
      break;
    case Op::kEq:
      r.lo = cond.value;
      r.hi = cond.value;
      break;
    case Op::kLess:
      r.hi = cond.value;
      r.hi_inclusive = false;
      break;
    case Op::kLessEq:
      r.hi = cond.value;
      break;
    case Op::kGreater:
      r.lo = cond.value;
      r.lo_inclusive = false;
      break;
    case Op::kGreaterEq:
      r.lo = cond.value;
      break;
    case Op::kBetween:
      if (cond.value > cond.value2) {
        return Status::InvalidArgument("BETWEEN needs a lower bound <= the upper bound ('" + cond.value +
                                       "' > '" + cond.value2 + "')");
      }
      r.lo = cond.value;
      r.hi = cond.value2;
      break;
    case Op::kBeginsWith:
      if (!cond.value.empty()) {
        r.lo = cond.value;
        r.hi = PrefixSuccessor(cond.value);
        r.hi_inclusive = false;
      }
      break;
  }
  return r;
}

Result<ResolvedQuery> ResolveQuery(const TableSpec& spec, const QueryRequest& req) {
  ResolvedQuery q;
  if (req.pk.empty())
    return Status::InvalidArgument("a query of table " + spec.name + " needs a partition key");
  if (req.limit < 0) return Status::InvalidArgument("query limit must not be negative");
  bool has_sk = spec.sk.has_value();
  if (!req.index.empty()) {
    q.index = spec.FindIndex(req.index);
    if (q.index == nullptr)
      return Status::InvalidArgument("table " + spec.name + " has no index " + req.index);
    if (req.consistent) return Status::InvalidArgument("consistent reads are not supported on a GSI");
    has_sk = q.index->sk.has_value();
  }
  if (req.sk.op != SortCondition::Op::kNone && !has_sk) {
    return Status::InvalidArgument("a sort-key condition needs a sort key, and " +
                                   (req.index.empty() ? "table " + spec.name : "index " + req.index) +
                                   " has none");
  }
  if (auto s = ValidateCondition(req.filter); !s.ok()) return s;
  auto range = RangeOf(req.sk);
  if (!range.ok()) return range.status();
  q.range = *range;
  if (req.page_token.empty()) return q;
  auto token = DecodePageToken(req.page_token);
  if (!token.ok()) return token.status();
  const PageToken& t = *token;
  if (t.scan || t.table != spec.name || t.index != req.index || t.key.sk.has_value() != spec.sk.has_value()) {
    return ForeignToken();
  }
  if (q.index == nullptr) {
    if (t.key.pk != req.pk) return ForeignToken();
  } else if (t.index_pk != req.pk || t.index_sk.has_value() != q.index->sk.has_value()) {
    return ForeignToken();
  }
  q.start = t;
  return q;
}

Result<std::optional<PageToken>> ResolveScan(const TableSpec& spec, const ScanRequest& req) {
  if (req.limit < 0) return Status::InvalidArgument("scan limit must not be negative");
  if (auto s = ValidateCondition(req.filter); !s.ok()) return s;
  if (req.page_token.empty()) return std::optional<PageToken>();
  auto token = DecodePageToken(req.page_token);
  if (!token.ok()) return token.status();
  if (!token->scan || token->table != spec.name || token->key.sk.has_value() != spec.sk.has_value()) {
    return ForeignToken();
  }
  return std::optional<PageToken>(*token);
}

bool PageBuilder::Fits(size_t bytes) const {
  if (limit_ > 0 && count_ >= limit_) return false;
  return count_ == 0 || bytes_ + bytes <= kMaxPageBytes;
}

void PageBuilder::Take(Item item, size_t bytes) {
  ++count_;
  bytes_ += bytes;
  if (Evaluate(*filter_, &item)) items_.push_back(std::move(item));
}

}  // namespace aw::store
