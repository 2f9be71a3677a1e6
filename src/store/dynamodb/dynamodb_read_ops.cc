// DynamoStore: Query and Scan. Pages are assembled here from DynamoDB's own
// pages so that limits, the 1 MB cap, filters, expired items and page tokens
// behave exactly as on the local backends (see item_ops.h).

#include "store/dynamodb/dynamodb_store.h"
#include "store/dynamodb/expressions.h"
#include "store/item_ops.h"
#include "store/page_token.h"

namespace aw::store {

using dynamodb::Json;

namespace {

std::string StringAttr(const Item& item, const std::string& attr) {
  auto it = item.find(attr);
  return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Where a read stopped, as the store's PageToken.
PageToken PositionOf(const TableSpec& spec, const IndexSpec* index, const Item& item, bool scan) {
  PageToken t;
  t.table = spec.name;
  t.scan = scan;
  t.key.pk = StringAttr(item, spec.pk);
  if (spec.sk) t.key.sk = StringAttr(item, *spec.sk);
  if (index != nullptr) {
    t.index = index->name;
    t.index_pk = StringAttr(item, index->pk);
    if (index->sk) t.index_sk = StringAttr(item, *index->sk);
  }
  return t;
}

// DynamoDB's ExclusiveStartKey for a position.
Json StartKeyOf(const TableSpec& spec, const IndexSpec* index, const PageToken& t) {
  Json k = {{spec.pk, {{"S", t.key.pk}}}};
  if (spec.sk && t.key.sk) k[*spec.sk] = {{"S", *t.key.sk}};
  if (index != nullptr) {
    if (t.index_pk) k[index->pk] = {{"S", *t.index_pk}};
    if (index->sk && t.index_sk) k[*index->sk] = {{"S", *t.index_sk}};
  }
  return k;
}

}  // namespace

Result<QueryResult> DynamoStore::Query(const QueryRequest& req) {
  auto found = Lookup(req.table);
  if (!found.ok()) return found.status();
  const TableSpec& spec = **found;
  auto rq = ResolveQuery(spec, req);
  if (!rq.ok()) return rq.status();
  const IndexSpec* index = rq->index;
  Json body = {{"TableName", FullName(spec.name)}, {"ScanIndexForward", req.forward}};
  if (index != nullptr) {
    body["IndexName"] = index->name;
  } else {
    body["ConsistentRead"] = req.consistent;
  }
  dynamodb::ExpressionBuilder b;
  auto kc = index != nullptr ? dynamodb::RenderKeyCondition(index->pk, req.pk, index->sk, req.sk, &b)
                             : dynamodb::RenderKeyCondition(spec.pk, req.pk, spec.sk, req.sk, &b);
  if (!kc.ok()) return kc.status();
  body["KeyConditionExpression"] = *kc;
  b.AddTo(&body);
  if (rq->start) body["ExclusiveStartKey"] = StartKeyOf(spec, index, *rq->start);

  return ReadPages("Query", spec, index, std::move(body), req.limit, req.filter);
}

Result<QueryResult> DynamoStore::Scan(const ScanRequest& req) {
  auto found = Lookup(req.table);
  if (!found.ok()) return found.status();
  const TableSpec& spec = **found;
  auto start = ResolveScan(spec, req);
  if (!start.ok()) return start.status();
  Json body = {{"TableName", FullName(spec.name)}, {"ConsistentRead", true}};
  if (*start) body["ExclusiveStartKey"] = StartKeyOf(spec, nullptr, **start);
  return ReadPages("Scan", spec, nullptr, std::move(body), req.limit, req.filter);
}

Result<QueryResult> DynamoStore::ReadPages(const char* op, const TableSpec& spec, const IndexSpec* index,
                                           dynamodb::Json body, int limit, const Condition& filter) {
  const bool scan = std::string_view(op) == "Scan";
  const int64_t now = clock_->NowSeconds();
  PageBuilder page(limit, filter);
  int taken = 0;
  bool more = false;
  std::optional<PageToken> last;
  while (true) {
    // One more than still fits, to learn whether a next page exists.
    if (limit > 0) body["Limit"] = limit - taken + 1;
    auto r = client_.Call(op, body);
    if (!r.ok()) return Annotate(r.status(), op, spec);
    for (const auto& av : (*r)["Items"]) {
      auto item = dynamodb::FromAttributeMap(av);
      if (!item.ok()) return item.status();
      if (IsExpired(spec, *item, now)) continue;
      size_t bytes = ItemSize(*item);
      if (!page.Fits(bytes)) {
        more = true;
        break;
      }
      last = PositionOf(spec, index, *item, scan);
      page.Take(std::move(*item), bytes);
      ++taken;
    }
    if (more) break;
    auto lek = r->find("LastEvaluatedKey");
    if (lek == r->end() || !lek->is_object() || lek->empty()) break;
    body["ExclusiveStartKey"] = *lek;
  }
  QueryResult result;
  result.items = page.TakeItems();
  if (more && last) result.next_page_token = EncodePageToken(*last);
  return result;
}

}  // namespace aw::store
