#pragma once
namespace openkap {
inline constexpr const char* kOpenkapVersion = "0.1.0";
}
namespace openkap::api {
using openkap::kOpenkapVersion;
}
