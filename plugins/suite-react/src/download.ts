/** Hands a downloaded file to the browser as a save, under `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // revoking at once can cancel the save in some browsers before it has started
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
