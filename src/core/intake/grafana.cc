#include "core/intake/grafana.h"

#include "core/intake/alertmanager.h"

namespace aw::core::intake {

AdapterResult AdaptGrafana(const nlohmann::json& payload, const IntakeMapping& m) {
  AlertGroupFlavour f;
  f.tool_source = "Grafana";
  f.key_prefix = "grafana";
  f.grafana = true;
  return AdaptAlertGroup(payload, m, f);
}

}  // namespace aw::core::intake
