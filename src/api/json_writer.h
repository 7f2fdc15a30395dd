// A minimal streaming JSON writer for hot responses. nlohmann::json builds a tree of maps
// first; writing straight into one string is several times cheaper for a patient record.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace openkap::api {

class JsonWriter {
 public:
  explicit JsonWriter(size_t reserve = 1024) { out_.reserve(reserve); }
  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(int64_t v);
  JsonWriter& value(int v) { return value(static_cast<int64_t>(v)); }
  JsonWriter& value(bool b);
  JsonWriter& value(const std::optional<int64_t>& v) { return v ? value(*v) : null(); }
  JsonWriter& null();
  // A field holding text, or null when the text is empty.
  JsonWriter& string_or_null(std::string_view s) { return s.empty() ? null() : value(s); }
  template <class T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }
  std::string take() { return std::move(out_); }

 private:
  JsonWriter& open(char c);
  JsonWriter& close(char c);
  void separate();
  void write_string(std::string_view s);
  std::string out_;
  bool need_comma_ = false;
  bool after_key_ = false;
};

}  // namespace openkap::api
