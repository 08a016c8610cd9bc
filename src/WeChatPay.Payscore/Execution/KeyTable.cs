namespace WeChatPay.Payscore.Execution
{
    /// <summary>
    /// A set of <see cref="RowKey"/>s with an int each (a row number, a state), in flat arrays with open addressing,
    /// so that a run of millions of rows keeps its memory near flat: 12 bytes a slot, 20 with
    /// <c>fullKeys</c>, and it grows by half (not double) so that a million rows take about 16 MB rather than 25.
    /// Without full keys only 64 of the key's 128 bits are compared: two different rows of a million share them
    /// with a chance of about 1 in 10^7. Single-threaded.
    /// </summary>
    internal sealed class KeyTable
    {
        private const double MaxLoad = 0.75;
        private readonly bool _fullKeys;
        private ulong[] _keys;
        private ulong[]? _checks;
        private int[] _values;
        private int _count;

        public KeyTable(bool fullKeys, int capacity = 1024)
        {
            _fullKeys = fullKeys;
            int size = 16;
            while (size * MaxLoad < capacity)
            {
                size += size / 2;
            }

            _keys = new ulong[size];
            _checks = fullKeys ? new ulong[size] : null;
            _values = new int[size];
        }

        public int Count => _count;

        public bool TryGet(RowKey key, out int value)
        {
            int slot = Find(Stored(key), key.Low);
            value = _values[slot];
            return _keys[slot] != 0;
        }

        /// <summary>Adds <paramref name="key"/> unless it is there; returns false and its value when it is.</summary>
        public bool TryAdd(RowKey key, int value, out int existing)
        {
            ulong stored = Stored(key);
            int slot = Find(stored, key.Low);
            existing = _values[slot];
            if (_keys[slot] != 0)
            {
                return false;
            }

            Put(slot, stored, key.Low, value);
            return true;
        }

        public void Set(RowKey key, int value)
        {
            ulong stored = Stored(key);
            int slot = Find(stored, key.Low);
            if (_keys[slot] != 0)
            {
                _values[slot] = value;
            }
            else
            {
                Put(slot, stored, key.Low, value);
            }
        }

        /// <summary>0 marks an empty slot, so a key whose first half is 0 is stored as 1.</summary>
        private static ulong Stored(RowKey key) => key.High == 0 ? 1UL : key.High;

        private void Put(int slot, ulong stored, ulong check, int value)
        {
            _keys[slot] = stored;
            if (_checks != null)
            {
                _checks[slot] = check;
            }

            _values[slot] = value;
            _count++;
            if (_count > _keys.Length * MaxLoad)
            {
                Grow();
            }
        }

        private int Find(ulong stored, ulong check)
        {
            int size = _keys.Length;

            // The key's top bits scaled to the table (no power-of-two size needed); the key is a digest, so uniform.
            int slot = (int)(((stored >> 32) * (ulong)size) >> 32);
            while (_keys[slot] != 0 && (_keys[slot] != stored || (_checks != null && _checks[slot] != check)))
            {
                slot = slot + 1 == size ? 0 : slot + 1;
            }

            return slot;
        }

        private void Grow()
        {
            ulong[] keys = _keys;
            ulong[]? checks = _checks;
            int[] values = _values;
            int size = keys.Length + (keys.Length / 2);
            _keys = new ulong[size];
            _checks = _fullKeys ? new ulong[size] : null;
            _values = new int[size];
            _count = 0;
            for (int i = 0; i < keys.Length; i++)
            {
                if (keys[i] != 0)
                {
                    ulong check = checks?[i] ?? 0;
                    Put(Find(keys[i], check), keys[i], check, values[i]);
                }
            }
        }
    }
}
