#include "services/merged_query.h"

#include <algorithm>

#include "base/errors.h"
#include "crypto/hash.h"
#include "store/page_token.h"
#include "store/tables.h"

namespace aw::services {

using nlohmann::json;

namespace {

const store::TableSpec& SpecOf(const std::string& table) {
  for (const auto& s : store::tables::All()) {
    if (s.name == table) return s;
  }
  throw std::logic_error("unknown table " + table);
}

// A token that resumes a query right after `item`.
std::string TokenAfter(const store::TableSpec& spec, const std::string& index, const json& item) {
  store::PageToken tok;
  tok.table = spec.name;
  tok.index = index;
  auto key = spec.KeyOf(item);
  if (!key.ok()) return "";
  tok.key = *key;
  if (!index.empty()) {
    const store::IndexSpec* idx = spec.FindIndex(index);
    tok.index_pk = item.value(idx->pk, "");
    if (idx->sk) tok.index_sk = item.value(*idx->sk, "");
  }
  return store::EncodePageToken(tok);
}

struct Cand {
  json item;
  size_t partition;
  std::string order;
};

}  // namespace

Page RunMergedQuery(store::Store* st, const MergedQuery& q) {
  const store::TableSpec& spec = SpecOf(q.table);
  std::string sort_attr;
  if (q.index.empty()) {
    sort_attr = spec.sk.value_or(spec.pk);
  } else {
    const store::IndexSpec* idx = spec.FindIndex(q.index);
    if (idx == nullptr) throw std::logic_error("unknown index " + q.index);
    sort_attr = idx->sk.value_or(idx->pk);
  }
  auto order = [&](const json& it) { return q.order ? q.order(it) : it.value(sort_attr, ""); };

  // Where each partition stands: absent = from the start, "" = exhausted.
  json state = json::object();
  if (!q.cursor.empty()) {
    auto raw = crypto::Base64UrlDecode(q.cursor);
    if (!raw) ThrowInvalidField("cursor", "invalid");
    state = json::parse(*raw, nullptr, false);
    if (!state.is_object()) ThrowInvalidField("cursor", "invalid");
  }

  std::vector<Cand> cands;
  std::vector<std::string> read_pos(q.partitions.size());  // token after the last item read
  std::vector<bool> done(q.partitions.size(), false);
  for (size_t p = 0; p < q.partitions.size(); ++p) {
    const std::string& pk = q.partitions[p];
    std::string token;
    if (state.contains(pk)) {
      if (!state[pk].is_string()) ThrowInvalidField("cursor", "invalid");
      token = state[pk].get<std::string>();
      if (token.empty()) {
        done[p] = true;
        continue;
      }
      if (token == "start") token.clear();
    }
    int kept = 0;
    for (int pages = 0; pages < kMaxPagesPerPartition && kept < q.limit; ++pages) {
      store::QueryRequest r;
      r.table = q.table;
      r.index = q.index;
      r.pk = pk;
      r.sk = q.sk;
      r.forward = false;
      r.limit = q.limit + 1;
      r.page_token = token;
      auto res = st->Query(r);
      if (res.status().code() == Code::kInvalidArgument) ThrowInvalidField("cursor", "invalid");
      ThrowIfError(res.status(), q.table);
      for (auto& it : res->items) {
        read_pos[p] = TokenAfter(spec, q.index, it);
        if (q.keep && !q.keep(it)) continue;
        std::string o = order(it);
        cands.push_back({std::move(it), p, std::move(o)});
        ++kept;
      }
      token = res->next_page_token;
      if (token.empty()) {
        done[p] = true;
        break;
      }
    }
    if (!done[p] && !token.empty()) read_pos[p] = token;
  }

  std::stable_sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) { return a.order > b.order; });
  Page page;
  std::vector<std::string> last_taken(q.partitions.size());
  std::vector<int> taken(q.partitions.size(), 0), total(q.partitions.size(), 0);
  for (const auto& c : cands) ++total[c.partition];
  for (auto& c : cands) {
    if (static_cast<int>(page.items.size()) >= q.limit) break;
    last_taken[c.partition] = TokenAfter(spec, q.index, c.item);
    ++taken[c.partition];
    page.items.push_back(std::move(c.item));
  }

  json next = json::object();
  bool more = false;
  for (size_t p = 0; p < q.partitions.size(); ++p) {
    const std::string& pk = q.partitions[p];
    std::string pos;
    if (taken[p] < total[p]) {
      // Items of this partition were read but not shown: resume after the
      // last one shown (or where it stood before).
      if (taken[p] > 0) {
        pos = last_taken[p];
      } else if (state.contains(pk)) {
        pos = state[pk].get<std::string>();
      } else {
        pos = "start";
      }
    } else if (done[p]) {
      pos = "";
    } else {
      pos = read_pos[p].empty() ? (state.contains(pk) ? state[pk].get<std::string>() : "start") : read_pos[p];
    }
    next[pk] = pos;
    if (!pos.empty()) more = true;
  }
  if (more) page.next_cursor = crypto::Base64UrlEncode(next.dump());
  return page;
}

}  // namespace aw::services
