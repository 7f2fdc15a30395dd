// The built web app, read into memory at start so serving it never touches the disk.
#pragma once
#include <map>
#include <optional>
#include <string>

#include "api/http_types.h"

namespace openkap::api {

class StaticFiles {
 public:
  void load(const std::string& root);  // no-op when root is empty or missing
  bool loaded() const { return !files_.empty(); }
  // The file for a path; index.html for client-side routes; nullopt when nothing fits.
  std::optional<Response> get(const std::string& path) const;

 private:
  struct File {
    std::string content_type, body;
  };
  std::map<std::string, File> files_;
};

}  // namespace openkap::api
