import { IconStar, IconStarFilled } from "@tabler/icons-react";
import { useId } from "react";
import classes from "./widget.module.css";

export interface StarRatingProps {
  /** 0 when nothing is chosen yet. */
  value: number;
  onChange: (value: number) => void;
  label: string;
  count?: number;
}

/** A star rating built from real radio inputs, so arrows, Space and screen readers just work. */
export function StarRating({ value, onChange, label, count = 5 }: StarRatingProps) {
  const name = useId();
  return (
    <div role="radiogroup" aria-label={label} className={classes.stars}>
      {Array.from({ length: count }, (_, index) => {
        const stars = index + 1;
        const Icon = stars <= value ? IconStarFilled : IconStar;
        return (
          <label key={stars} className={classes.star}>
            <input
              type="radio"
              className={classes.starInput}
              name={name}
              value={stars}
              checked={value === stars}
              onChange={() => onChange(stars)}
              aria-label={stars === 1 ? "1 star" : `${stars} stars`}
            />
            <Icon size={22} aria-hidden="true" />
          </label>
        );
      })}
    </div>
  );
}
