#pragma once
// %ProgramData%\Sahab: the Windows agent's configuration (agent.yaml), state (host id,
// credential, enrolment token), spool and log (Windows only).
#include <filesystem>

namespace sahab::agent::windows {

// The folder the shell names ProgramData (C:\ProgramData), joined with "Sahab". Asked of the
// shell, not of %ProgramData%: services and msiexec's custom actions may see other variables.
std::filesystem::path program_data_dir();

// Creates `dir` if needed and gives it a protected access list: full control for SYSTEM and
// Administrators, inherited by what is created inside, nothing for anyone else (the credential
// and the enrolment token live there). Throws std::runtime_error naming the folder.
void restrict_to_administrators(const std::filesystem::path& dir);

}  // namespace sahab::agent::windows
