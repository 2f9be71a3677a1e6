#include "http/router.h"

#include <map>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "http/error_mapping.h"

namespace aw::http {

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> param;                           // the `{name}` child, if any
  std::string param_name;                                // name of `param`'s segment
  std::map<std::string, Handler, std::less<>> handlers;  // by method
  std::string pattern;                                   // as added (Request::route)
};

struct Router::MatchState {
  std::vector<std::string_view> segments;
  std::string_view method;
  // (node whose `param` child was taken, index of the segment it consumed)
  std::vector<std::pair<const Node*, size_t>> picks;
  const Node* path_match = nullptr;  // first node matching the path, any method
};

namespace {

// Splits "/a/b/" into {"a","b"}; "/" into {}. Empty inner segments are kept
// (so "/a//b" does not silently match "/a/b").
void SplitPath(std::string_view path, std::vector<std::string_view>* out) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return;
  for (;;) {
    size_t slash = path.find('/');
    out->push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
}

bool IsParamSegment(std::string_view s) { return s.size() >= 3 && s.front() == '{' && s.back() == '}'; }

}  // namespace

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

void Router::Add(std::string method, std::string pattern, std::string audit_action, Handler h) {
  Add(std::move(method), std::move(pattern), std::move(h));
  routes_.back().audit_action = std::move(audit_action);
}

void Router::Add(std::string method, std::string pattern, Handler h) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::logic_error("route pattern must start with '/': " + pattern);
  }
  std::vector<std::string_view> segments;
  SplitPath(pattern, &segments);
  Node* node = root_.get();
  for (std::string_view seg : segments) {
    if (IsParamSegment(seg)) {
      std::string name(seg.substr(1, seg.size() - 2));
      if (!node->param) {
        node->param = std::make_unique<Node>();
        node->param_name = name;
      } else if (node->param_name != name) {
        throw std::logic_error("route " + pattern + " names parameter {" + name +
                               "} where another route has {" + node->param_name + "}");
      }
      node = node->param.get();
    } else {
      if (seg.empty() || seg.find_first_of("{}") != std::string_view::npos) {
        throw std::logic_error("route pattern has an empty or partial parameter segment: " + pattern);
      }
      auto it = node->literals.find(seg);
      if (it == node->literals.end()) {
        it = node->literals.emplace(std::string(seg), std::make_unique<Node>()).first;
      }
      node = it->second.get();
    }
  }
  node->pattern = pattern;
  if (!node->handlers.emplace(method, std::move(h)).second) {
    throw std::logic_error("route added twice: " + method + " " + pattern);
  }
  routes_.push_back({std::move(method), std::move(pattern), std::string()});
}

void Router::AddInline(std::string method, std::string pattern, Handler h) {
  if (pattern.find('{') != std::string::npos)
    throw std::logic_error("inline route with parameters: " + pattern);
  inline_.emplace_back(method, pattern);
  Add(std::move(method), std::move(pattern), std::move(h));
}

bool Router::RunsInline(const Request& req) const {
  std::string_view path = req.path;
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  for (const auto& [method, pattern] : inline_) {
    if (req.method == method && path == pattern) return true;
  }
  return false;
}

// Depth-first, literal before parameter. Returns the first node matching all
// segments that has a handler for the method (or GET, for HEAD).
const Router::Node* Router::Match(size_t i, const Node* node, MatchState* st) {
  if (i == st->segments.size()) {
    if (node->handlers.empty()) return nullptr;
    if (st->path_match == nullptr) st->path_match = node;
    if (node->handlers.count(st->method) || (st->method == "HEAD" && node->handlers.count("GET"))) {
      return node;
    }
    return nullptr;
  }
  std::string_view seg = st->segments[i];
  auto it = node->literals.find(seg);
  if (it != node->literals.end()) {
    if (const Node* n = Match(i + 1, it->second.get(), st)) return n;
  }
  if (node->param && !seg.empty()) {
    st->picks.emplace_back(node, i);
    if (const Node* n = Match(i + 1, node->param.get(), st)) return n;
    st->picks.pop_back();
  }
  return nullptr;
}

Response Router::Dispatch(Request& req) const {
  try {
    req.route = {};
    std::string_view raw = req.target.empty() ? std::string_view(req.path) : std::string_view(req.target);
    raw = raw.substr(0, raw.find('?'));
    MatchState st;
    st.method = req.method;
    SplitPath(raw, &st.segments);

    const Node* node = Match(0, root_.get(), &st);
    if (node == nullptr) {
      std::string shown(req.path.empty() ? raw : std::string_view(req.path));
      if (st.path_match == nullptr) {
        if (fallback_) {
          if (auto r = fallback_(req)) return std::move(*r);
        }
        return ErrorResponse(404, "not_found", "Not found: " + shown);
      }
      std::string allow;
      for (const auto& entry : st.path_match->handlers) {
        if (!allow.empty()) allow += ", ";
        allow += entry.first;
      }
      Response r =
          ErrorResponse(405, "method_not_allowed", "Method " + req.method + " not allowed for " + shown);
      r.headers.emplace_back("Allow", std::move(allow));
      return r;
    }

    req.route = node->pattern;
    req.path_params.clear();
    for (const auto& [parent, index] : st.picks) {
      auto decoded = PercentDecode(st.segments[index], false);
      if (!decoded) return ErrorResponse(400, "bad_request", "malformed percent-encoding in path");
      req.path_params[parent->param_name] = std::move(*decoded);
    }

    auto h = node->handlers.find(req.method);
    if (h == node->handlers.end()) h = node->handlers.find("GET");  // HEAD fallback
    return h->second(req);
  } catch (...) {
    return ResponseForException(std::current_exception(), req.request_id);
  }
}

}  // namespace aw::http
