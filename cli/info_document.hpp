#pragma once
// The classroom page's Info tab (NetLogo's sections: what is it, how it
// works, how to use it, things to notice, things to try, extending the
// model, credits and citation), built from the same declarations as the ODD
// description: its narrative sections, the parameter registry, the daily
// plan and the mechanisms. `ppisim docs info` prints it; `GET /api/info`
// serves it to the page.
#include <string>
#include <string_view>

namespace cli {

// The ODD description, filled from the code's registries (`ppisim docs odd`).
std::string odd_document();

// The Info text as Markdown, from `odd` (odd_document()) and the registries.
// std::logic_error when a section it quotes is missing from `odd` (the docs test runs it).
std::string info_document(std::string_view odd);

}  // namespace cli
