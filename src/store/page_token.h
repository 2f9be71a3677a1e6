#pragma once

// Page tokens: the opaque `next_page_token` of Query and Scan.
//
// A token records where the previous page stopped: the table key of the last
// evaluated item and, for a GSI query, that item's index key, plus the table
// and index it belongs to so that a token cannot be replayed against another
// query. The wire form is base64url (no padding) of a compact JSON object;
// callers must treat it as opaque. Every local backend uses this format, and
// the DynamoDB backend can carry its LastEvaluatedKey in it as well.
//
// Thread-safe (pure functions).

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "store/store.h"

namespace aw::store {

struct PageToken {
  std::string table;
  std::string index;                    // empty: the table itself (or a Scan)
  Key key;                              // table key of the last evaluated item
  std::optional<std::string> index_pk;  // set iff `index` is not empty
  std::optional<std::string> index_sk;  // set iff the index has a sort key
  bool scan = false;                    // a Scan's token, not a Query's

  bool operator==(const PageToken&) const = default;
};

std::string EncodePageToken(const PageToken& token);

// kInvalidArgument when `text` is not a token this code produced.
Result<PageToken> DecodePageToken(std::string_view text);

}  // namespace aw::store
