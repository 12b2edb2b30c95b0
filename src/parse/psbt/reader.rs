//! A bounds-checked cursor over a byte slice. Every read either returns bytes that exist or
//! says what is missing; nothing here allocates.

/// Why a read failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ReadError {
    /// Fewer bytes remain than the read needs.
    Truncated { needed: u64, remaining: usize },
    /// A compact-size integer is not in its shortest encoding.
    NonCanonical { value: u64 },
}

impl ReadError {
    /// Describes the failure for `what` (for example "the value length").
    pub(super) fn describe(self, what: &str) -> String {
        match self {
            Self::Truncated { needed, remaining } => {
                format!("{what} needs {} but only {remaining} remain", bytes(needed))
            }
            Self::NonCanonical { value } => {
                format!("{what} ({value}) is not in the shortest compact-size encoding")
            }
        }
    }
}

/// Writes "1 byte" or "n bytes".
pub(super) fn bytes(n: u64) -> String {
    if n == 1 {
        "1 byte".to_owned()
    } else {
        format!("{n} bytes")
    }
}

/// A cursor over `bytes`, with a budget of key-value pairs for the maps read through it.
#[derive(Debug, Clone)]
pub(super) struct Reader<'a> {
    rest: &'a [u8],
    pairs_left: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Reader { rest: bytes, pairs_left: super::MAX_PAIRS }
    }

    /// Takes one key-value pair from the budget; `false` when it is spent.
    pub(super) fn take_pair(&mut self) -> bool {
        match self.pairs_left.checked_sub(1) {
            Some(left) => {
                self.pairs_left = left;
                true
            }
            None => false,
        }
    }

    /// Returns the bytes not read yet.
    pub(super) fn rest(&self) -> &'a [u8] {
        self.rest
    }

    pub(super) fn remaining(&self) -> usize {
        self.rest.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// Reads `n` bytes; `n` comes from the input, so it is a `u64` checked against what remains.
    pub(super) fn take(&mut self, n: u64) -> Result<&'a [u8], ReadError> {
        let truncated = ReadError::Truncated { needed: n, remaining: self.rest.len() };
        let n = usize::try_from(n).map_err(|_| truncated)?;
        let (head, tail) = self.rest.split_at_checked(n).ok_or(truncated)?;
        self.rest = tail;
        Ok(head)
    }

    pub(super) fn array<const N: usize>(&mut self) -> Result<[u8; N], ReadError> {
        let truncated = ReadError::Truncated {
            needed: u64::try_from(N).unwrap_or(u64::MAX),
            remaining: self.rest.len(),
        };
        let (head, tail) = self.rest.split_first_chunk::<N>().ok_or(truncated)?;
        self.rest = tail;
        Ok(*head)
    }

    pub(super) fn u8(&mut self) -> Result<u8, ReadError> {
        self.array::<1>().map(|[b]| b)
    }

    pub(super) fn u32_le(&mut self) -> Result<u32, ReadError> {
        self.array().map(u32::from_le_bytes)
    }

    pub(super) fn u64_le(&mut self) -> Result<u64, ReadError> {
        self.array().map(u64::from_le_bytes)
    }

    /// Reads a compact-size unsigned integer, refusing encodings that are not the shortest
    /// (as Bitcoin Core does).
    pub(super) fn compact_size(&mut self) -> Result<u64, ReadError> {
        let first = self.u8()?;
        let (value, minimum) = match first {
            0xfd => (u64::from(u16::from_le_bytes(self.array()?)), 0xfd),
            0xfe => (u64::from(u32::from_le_bytes(self.array()?)), 0x1_0000),
            0xff => (self.u64_le()?, 0x1_0000_0000),
            small => return Ok(u64::from(small)),
        };
        if value < minimum {
            return Err(ReadError::NonCanonical { value });
        }
        Ok(value)
    }

    /// Reads a compact-size length, then that many bytes.
    pub(super) fn length_prefixed(&mut self) -> Result<&'a [u8], ReadError> {
        let len = self.compact_size()?;
        self.take(len)
    }
}

/// Reads a whole value as one compact-size integer; the value must hold nothing else.
pub(super) fn exact_compact_size(value: &[u8]) -> Result<u64, String> {
    let mut r = Reader::new(value);
    let n = r.compact_size().map_err(|e| e.describe("the compact-size integer"))?;
    if !r.is_empty() {
        return Err(format!(
            "the value is {} bytes; a compact-size integer of {n} takes {}",
            value.len(),
            value.len().saturating_sub(r.remaining())
        ));
    }
    Ok(n)
}
