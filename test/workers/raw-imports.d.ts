/** Vite's `?raw` imports, which the workers test pool resolves: the file's text. */
declare module "*?raw" {
  const text: string;
  export default text;
}
