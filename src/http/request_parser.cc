#include "http/request_parser.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>

namespace aw::http {

void RequestParser::on_request_impl(boost::beast::http::verb, string_view method, string_view target,
                                    int version, error_code&) {
  started_ = true;
  req_->method.assign(method.data(), method.size());
  req_->target.assign(target.data(), target.size());
  version_ = version;
}

void RequestParser::on_response_impl(int, string_view, int, error_code& ec) {
  ec = boost::beast::http::error::bad_method;  // unreachable for a request parser
}

void RequestParser::on_field_impl(boost::beast::http::field name, string_view name_string,
                                  string_view value, error_code&) {
  if (name == boost::beast::http::field::expect && boost::beast::iequals(value, "100-continue")) {
    expect_continue_ = true;
  }
  if (name == boost::beast::http::field::transfer_encoding) transfer_encoding_ = true;
  req_->headers.emplace_back(std::string(name_string.data(), name_string.size()),
                             std::string(value.data(), value.size()));
}

void RequestParser::on_header_impl(error_code& ec) {
  // RFC 9112 6.3: when Transfer-Encoding is present but chunked is not its
  // final coding, the body length cannot be determined and the request must
  // be refused (400, then close). Beast would fall back to Content-Length,
  // which a proxy in front may read differently: a smuggling vector.
  if (transfer_encoding_ && !chunked()) ec = boost::beast::http::error::bad_transfer_encoding;
}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code&) {
  // The parser has already checked content_length against body_limit.
  if (content_length) req_->body.reserve(static_cast<size_t>(*content_length));
}

std::size_t RequestParser::on_body_impl(string_view body, error_code&) {
  req_->body.append(body.data(), body.size());
  return body.size();
}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  req_->body.append(body.data(), body.size());
  return body.size();
}

}  // namespace aw::http
