import { usePageTitle } from '../router';

export function ResearchPage() {
  usePageTitle('Research');
  return (
    <section className="panel notice" aria-labelledby="research-title">
      <h1 id="research-title">Research</h1>
      <p>
        <strong>Identifiable data is not available to your role.</strong> Researchers see de-identified cohort outcomes
        only; patient names, charts and other identifying details are never shown to the researcher role.
      </p>
      <p>De-identified outcome reports will appear here when they are available.</p>
    </section>
  );
}
