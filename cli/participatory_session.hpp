#pragma once
// A participatory session of `ppisim serve`: the teacher starts it, students
// join with its code, each takes a role (midwife, health visitor, volunteer)
// and one agent of that role, and decides for that agent each simulated week.
// The class's run (the students' decisions replacing the model's rule for
// their agents, models/student_choices.hpp) is stepped beside a shadow run of
// the same scenario and seed in which the model decides for everyone.
//
// A week advances when every student has decided, or when the teacher
// advances it; the teacher can pause for discussion (no week advances by
// itself then). Not thread-safe: the server holds a session while using it.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/student_choices.hpp"
#include "sim/scenario.hpp"
#include "sim/stepped_run.hpp"

namespace cli {

enum class StudentRole : std::uint8_t { midwife = 0, health_visitor = 1, volunteer = 2 };

class ParticipatorySession {
 public:
  static constexpr std::size_t kMaxStudents = 40;
  static constexpr int kDaysPerWeek = 7;
  // Mothers and colleagues a student's view lists at most (the newest first).
  static constexpr std::size_t kMaxListed = 30;

  // The scenario must have been checked (models::check_parameters).
  explicit ParticipatorySession(sim::Scenario scenario);

  // A new student playing an agent of `role` no other student plays; InputError
  // ("no ... left") when there is none. Returns her index in the class.
  std::size_t join(const std::string& name, StudentRole role);

  // The student's decisions for the week starting on `week_day` (today), as the
  // page sends them: [{"kind": "refer", "subject": mother id, "yes": true}, ...].
  // Replaces what she decided earlier this week. InputError on anything else.
  // Advances the week when every student has now decided and the session is not paused.
  void decide(std::size_t student, int week_day, const nlohmann::json& decisions);

  void advance_week();  // the teacher moves the class on
  void set_paused(bool paused) { paused_ = paused; }

  [[nodiscard]] int day() const { return class_run_->days_done(); }
  [[nodiscard]] bool finished() const { return class_run_->at_horizon(); }
  [[nodiscard]] const std::string& scenario_name() const { return scenario_.parameters.text("name"); }
  [[nodiscard]] std::size_t students() const { return students_.size(); }

  // What student `student`'s agent knows today, and what she has decided this week.
  [[nodiscard]] nlohmann::json student_view(std::size_t student) const;
  // The teacher's view: the class, who has decided, and the interface week by week, class beside shadow.
  [[nodiscard]] nlohmann::json teacher_view() const;
  // The class's choices against the model's, and what they cost in mothers breastfeeding.
  [[nodiscard]] nlohmann::json debrief() const;

  // The class's run so far as a results file, with its decisions in /participatory
  // (docs/hdf5-layout.md): the decisions are replayed from day 0, and the replay
  // is checked against the session (RuntimeFailure if it differs).
  void write_results(const std::filesystem::path& path) const;

 private:
  struct Student {
    std::string name;
    StudentRole role;
    std::int32_t agent;
    int decided_week = -1;  // the day of the week she last decided for
    int weeks_decided = 0;  // weeks in which her decisions took effect
  };
  [[nodiscard]] models::Side side_of(const Student& s) const {
    return s.role == StudentRole::volunteer ? models::Side::volunteer : models::Side::professional;
  }
  std::int32_t free_agent(StudentRole role) const;
  void advance_if_all_decided();
  [[nodiscard]] nlohmann::json professional_view(const Student& s) const;
  [[nodiscard]] nlohmann::json volunteer_view(const Student& s) const;
  [[nodiscard]] nlohmann::json weekly(const sim::RunResult& result) const;
  [[nodiscard]] std::vector<std::int64_t> undecided_mothers(std::int32_t professional) const;

  sim::Scenario scenario_;
  std::uint64_t seed_;
  std::shared_ptr<models::StudentChoices> choices_ = std::make_shared<models::StudentChoices>();
  const models::World* world_ = nullptr;  // the class run's World (owned by its plan)
  std::unique_ptr<sim::SteppedRun> class_run_, shadow_run_;
  std::vector<Student> students_;
  // This week's decisions by student, taking effect when the week advances (so a student may change her mind until then).
  std::map<std::size_t, std::vector<models::Decision>> pending_;
  bool paused_ = false;
};

StudentRole student_role(const std::string& name);  // InputError for anything but the three roles
const char* to_string(StudentRole role);

}  // namespace cli
