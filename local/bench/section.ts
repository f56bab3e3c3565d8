/** One table of the report with the sentences that read it; rendered for the terminal and Markdown. */
export interface Section {
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly notes: readonly string[];
}
