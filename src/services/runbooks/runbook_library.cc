// The global runbook library: common remediations an admin copies into a
// company (POST /api/runbooks/global-library/{id}/copy) and then targets.
// Linux templates use AWS-RunShellScript, Windows ones AWS-RunPowerShellScript.

#include "services/runbooks/runbook_service.h"

namespace aw::services {

namespace {

RunbookTemplate Sh(const char* id, const char* name, const char* description, const char* category,
                   const char* risk, const char* signature, bool auto_approve,
                   std::vector<std::string> commands, int64_t timeout = 600) {
  RunbookTemplate t;
  t.id = id;
  t.name = name;
  t.description = description;
  t.category = category;
  t.risk_level = risk;
  t.signature = signature;
  t.ssm_document_name = "AWS-RunShellScript";
  t.parameters = {{"commands", std::move(commands)}};
  t.auto_approve = auto_approve;
  t.timeout_seconds = timeout;
  return t;
}

RunbookTemplate Ps(const char* id, const char* name, const char* description, const char* category,
                   const char* risk, const char* signature, bool auto_approve,
                   std::vector<std::string> commands, int64_t timeout = 600) {
  RunbookTemplate t =
      Sh(id, name, description, category, risk, signature, auto_approve, std::move(commands), timeout);
  t.ssm_document_name = "AWS-RunPowerShellScript";
  return t;
}

}  // namespace

const std::vector<RunbookTemplate>& GlobalRunbookLibrary() {
  static const std::vector<RunbookTemplate> kLibrary = {
      Sh("linux-disk-cleanup", "Disk clean-up (Linux)",
         "Vacuums the systemd journal to 7 days, cleans the package cache and removes temporary files older "
         "than 7 days.",
         "disk", "low", "disk_space_low", true,
         {"df -h /", "journalctl --vacuum-time=7d", "(apt-get clean || yum clean all || true)",
          "find /tmp /var/tmp -type f -mtime +7 -delete", "df -h /"}),
      Ps("windows-disk-cleanup", "Disk clean-up (Windows)",
         "Empties the Windows temp folders and the recycle bin, and reports free space on C:.", "disk", "low",
         "disk_space_low", true,
         {"Get-PSDrive C", "Remove-Item -Path $env:TEMP\\* -Recurse -Force -ErrorAction SilentlyContinue",
          "Remove-Item -Path C:\\Windows\\Temp\\* -Recurse -Force -ErrorAction SilentlyContinue",
          "Clear-RecycleBin -Force -ErrorAction SilentlyContinue", "Get-PSDrive C"}),
      Sh("linux-service-restart", "Restart a service (Linux)",
         "Restarts a systemd unit and shows its status. Set the unit name in the command before use.",
         "service", "medium", "service_down", false,
         {"systemctl restart SERVICE_NAME", "systemctl --no-pager status SERVICE_NAME"}),
      Ps("windows-service-restart", "Restart a service (Windows)",
         "Restarts a Windows service and shows its status. Set the service name before use.", "service",
         "medium", "service_down", false,
         {"Restart-Service -Name SERVICE_NAME -Force", "Get-Service -Name SERVICE_NAME"}),
      Sh("linux-memory-cache-clear", "Clear the page cache (Linux)",
         "Syncs and drops the kernel page cache, dentries and inodes; shows memory before and after.",
         "memory", "medium", "high_memory_usage", false,
         {"free -m", "sync", "echo 3 > /proc/sys/vm/drop_caches", "free -m"}),
      Sh("linux-log-rotation", "Force log rotation (Linux)",
         "Runs logrotate now and compresses rotated logs, for a disk filling with logs.", "disk", "low",
         "log_volume_high", true, {"logrotate -f /etc/logrotate.conf", "du -sh /var/log"}),
      Sh("linux-health-check", "Health check (Linux)",
         "Read-only: uptime, load, memory, disk, failed units and the top processes.", "application", "low",
         "health_check_failed", true,
         {"uptime", "free -m", "df -h", "systemctl --failed --no-pager || true",
          "ps aux --sort=-%cpu | head -15"}),
      Ps("windows-health-check", "Health check (Windows)",
         "Read-only: uptime, memory, disks, stopped automatic services, top processes.", "application", "low",
         "health_check_failed", true,
         {"Get-CimInstance Win32_OperatingSystem | Select-Object LastBootUpTime,FreePhysicalMemory",
          "Get-PSDrive -PSProvider FileSystem",
          "Get-Service | Where-Object {$_.StartType -eq 'Automatic' -and $_.Status -ne 'Running'}",
          "Get-Process | Sort-Object CPU -Descending | Select-Object -First 15"}),
      Sh("linux-high-cpu-diagnose", "Diagnose high CPU (Linux)",
         "Read-only: load average and the processes using the most CPU.", "cpu", "low", "high_cpu_usage",
         true, {"uptime", "top -b -n 1 | head -25"}),
      Sh("linux-kill-runaway-process", "Stop the top CPU process (Linux)",
         "Terminates the process using the most CPU. Disruptive: review before approving.", "cpu", "high",
         "high_cpu_usage", false,
         {"ps -eo pid,comm,%cpu --sort=-%cpu | head -5",
          "kill -TERM $(ps -eo pid --sort=-%cpu --no-headers | head -1)"}),
      Sh("linux-network-diagnose", "Network diagnostics (Linux)",
         "Read-only: interfaces, routes, DNS resolution and listening sockets.", "network", "low",
         "network_unreachable", true,
         {"ip addr", "ip route", "getent hosts amazonaws.com || true", "ss -tulpn | head -30"}),
      Sh("linux-reboot", "Reboot the instance (Linux)",
         "Schedules a reboot in one minute. Disruptive: the instance is unavailable for a while.", "service",
         "high", "instance_unresponsive", false, {"shutdown -r +1 'Reboot by Alert Whisperer runbook'"}),
      Sh("linux-database-connections", "Database connection check (PostgreSQL)",
         "Read-only: PostgreSQL service state and connection count per state.", "database", "low",
         "database_connection_errors", true,
         {"systemctl --no-pager status postgresql || true",
          "sudo -u postgres psql -Atc \"select state, count(*) from pg_stat_activity group by state\" || "
          "true"}),
  };
  return kLibrary;
}

}  // namespace aw::services
