import type { Score } from "../api/types";
import { formatScore, scoreColours } from "../lib/format";

/** A score in 0..1 on the playful-to-serious colour scale; "–" when there is none yet. */
export function ScoreChip({ score, large = false }: { score: Score; large?: boolean }) {
  const className = `score${large ? " score--large" : ""}${score === null ? " score--none" : ""}`;
  return (
    <span
      className={className}
      style={scoreColours(score)}
      title={score === null ? "No scored posts yet" : `Seriousness ${score.toFixed(3)}`}
    >
      {formatScore(score)}
    </span>
  );
}

/** The key to the colour scale. */
export function ScoreLegend() {
  return (
    <div className="legend" aria-hidden="true">
      <span>0 playful</span>
      <span className="legend__bar" />
      <span>serious 1</span>
    </div>
  );
}
