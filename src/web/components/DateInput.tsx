import { DatePicker } from 'antd';
import dayjs from 'dayjs';

interface DateInputProps {
  value?: string | null;
  onChange?: (value: string | null) => void;
  id?: string;
  disabledFuture?: boolean;
}

/** A date picker whose form value is the API's `YYYY-MM-DD` string (or null). */
export function DateInput({ value, onChange, id, disabledFuture }: DateInputProps) {
  return (
    <DatePicker
      id={id}
      className="full-width"
      value={value ? dayjs(value) : null}
      onChange={(d) => onChange?.(d ? d.format('YYYY-MM-DD') : null)}
      disabledDate={disabledFuture ? (d) => d.isAfter(dayjs(), 'day') : undefined}
    />
  );
}
