#pragma once

// Internal to http/: a Beast parser that writes straight into an
// aw::http::Request (no intermediate beast::http::fields, no body copy).
// One parser per message: construct a new one for each request.

#include <cstdint>

#include <boost/beast/http/basic_parser.hpp>

#include "http/request.h"

namespace aw::http {

class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  // `req` must outlive the parser; its method, target, headers and body are overwritten.
  explicit RequestParser(Request* req) : req_(req) {}

  int version() const { return version_; }
  bool expects_continue() const { return expect_continue_; }
  bool started() const { return started_; }

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb, string_view method, string_view target, int version,
                       error_code&) override;
  void on_response_impl(int, string_view, int, error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code&) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code&) override;
  std::size_t on_body_impl(string_view body, error_code&) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override;
  void on_finish_impl(error_code&) override {}

  Request* req_;
  int version_ = 11;
  bool expect_continue_ = false;
  bool started_ = false;
  bool transfer_encoding_ = false;
};

}  // namespace aw::http
