// The synthetic demo clinic loaded by `openkap serve --demo` into an empty database.
#pragma once
#include <string>

#include "store/repositories.h"

namespace openkap::cli {

inline constexpr const char* kDemoPassword = "openkap-demo";

// Loads staff of every role and ~20 synthetic patients at different stages. Returns false
// (and changes nothing) when the database already has users.
bool load_demo_clinic(store::Store& store, const std::string& now_iso);
// The lines to print so a newcomer can sign in.
std::string demo_logins_text();

}  // namespace openkap::cli
