export default function IncidentPage() {
  return <h1>Incident</h1>;
}
