// Plain request/response structs: the only view of HTTP that handlers get (no Beast here, so
// these translation units compile fast and are testable without sockets).
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace openkap::api {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request target
  std::string path;    // decoded path without the query
  std::string query;   // raw query string (after '?')
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string client_addr;
  std::string request_id;

  std::string_view header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return {};
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool cacheable = false;  // static assets; API answers are never cached
};

}  // namespace openkap::api
