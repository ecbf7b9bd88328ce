// Number formatting for headline figures and captions (en-US digits, fixed precision).
const integer = new Intl.NumberFormat("en-US", {maximumFractionDigits: 0});
const oneDecimal = new Intl.NumberFormat("en-US", {minimumFractionDigits: 1, maximumFractionDigits: 1});

export const formatInteger = (v) => (v == null || !Number.isFinite(v) ? "–" : integer.format(v));
export const formatDecimal = (v) => (v == null || !Number.isFinite(v) ? "–" : oneDecimal.format(v));
export const formatSeconds = (v) => (v == null || !Number.isFinite(v) ? "–" : `${oneDecimal.format(v)} s`);
export const formatPercent = (v) => (v == null || !Number.isFinite(v) ? "–" : `${Math.round(v * 100)}%`);
export const basename = (path) => String(path ?? "").split(/[\\/]/).pop();
export const formatRate = (v) => (v == null || !Number.isFinite(v) ? "–" : v >= 100 ? integer.format(v) : oneDecimal.format(v));
