#include "api/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace openkap::api {

namespace {
std::string content_type_for(const std::filesystem::path& p) {
  const auto ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".json" || ext == ".webmanifest") return "application/json";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}
}  // namespace

void StaticFiles::load(const std::string& root) {
  namespace fs = std::filesystem;
  files_.clear();
  std::error_code ec;
  if (root.empty() || !fs::is_directory(root, ec)) return;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    const auto rel = "/" + fs::relative(it->path(), root).generic_string();
    files_[rel] = File{content_type_for(it->path()), buf.str()};
  }
}

std::optional<Response> StaticFiles::get(const std::string& path) const {
  auto serve = [](const File& f, bool cacheable) {
    Response r;
    r.content_type = f.content_type;
    r.body = f.body;
    r.cacheable = cacheable;
    return r;
  };
  if (path != "/") {
    auto it = files_.find(path);
    // Vite puts content-hashed names under /assets/: safe to cache for a long time.
    if (it != files_.end()) return serve(it->second, path.rfind("/assets/", 0) == 0);
  }
  auto index = files_.find("/index.html");
  if (index == files_.end()) return std::nullopt;
  // A path with a file extension that is not there is a missing file, not an app route.
  const auto last = path.substr(path.rfind('/') + 1);
  if (path != "/" && last.find('.') != std::string::npos) return std::nullopt;
  return serve(index->second, false);
}

}  // namespace openkap::api
