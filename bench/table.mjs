// One way to print a bench table: a header row, a rule, rows; columns padded to their widest cell,
// the columns in `right` aligned right (numbers).
export function printTable(header, rows, { right = [] } = {}) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i] ?? '').length)));
  all.forEach((r, n) => {
    console.log(
      r
        .map((c, i) => (right.includes(i) ? String(c ?? '').padStart(widths[i]) : String(c ?? '').padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    );
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
}
