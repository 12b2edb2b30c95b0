//! Extended-key version bytes: BIP-32's `xpub`/`tpub` and the SLIP-132 forms wallets
//! write (`Zpub`, `Vpub`, ...), by name. A policy takes only `xpub`/`tpub` (SPEC 1.1); the
//! version bytes inside a PSBT's global xpubs are not checked (SPEC 1.3).

/// BIP-32 `xpub` (mainnet) version bytes.
pub(crate) const XPUB: [u8; 4] = [0x04, 0x88, 0xb2, 0x1e];
/// BIP-32 `tpub` (every test network) version bytes.
pub(crate) const TPUB: [u8; 4] = [0x04, 0x35, 0x87, 0xcf];

/// The version bytes of BIP-32 and SLIP-132 extended keys, and their names.
pub(crate) const VERSIONS: [([u8; 4], &str, Version); 20] = [
    (XPUB, "xpub", Version::Plain),
    (TPUB, "tpub", Version::Plain),
    ([0x04, 0x9d, 0x7c, 0xb2], "ypub", Version::Slip132 { mainnet: true }),
    ([0x04, 0xb2, 0x47, 0x46], "zpub", Version::Slip132 { mainnet: true }),
    ([0x02, 0x95, 0xb4, 0x3f], "Ypub", Version::Slip132 { mainnet: true }),
    ([0x02, 0xaa, 0x7e, 0xd3], "Zpub", Version::Slip132 { mainnet: true }),
    ([0x04, 0x4a, 0x52, 0x62], "upub", Version::Slip132 { mainnet: false }),
    ([0x04, 0x5f, 0x1c, 0xf6], "vpub", Version::Slip132 { mainnet: false }),
    ([0x02, 0x42, 0x89, 0xef], "Upub", Version::Slip132 { mainnet: false }),
    ([0x02, 0x57, 0x54, 0x83], "Vpub", Version::Slip132 { mainnet: false }),
    ([0x04, 0x88, 0xad, 0xe4], "xprv", Version::Private),
    ([0x04, 0x35, 0x83, 0x94], "tprv", Version::Private),
    ([0x04, 0x9d, 0x78, 0x78], "yprv", Version::Private),
    ([0x04, 0xb2, 0x43, 0x0c], "zprv", Version::Private),
    ([0x02, 0x95, 0xb0, 0x05], "Yprv", Version::Private),
    ([0x02, 0xaa, 0x7a, 0x99], "Zprv", Version::Private),
    ([0x04, 0x4a, 0x4e, 0x28], "uprv", Version::Private),
    ([0x04, 0x5f, 0x18, 0xbc], "vprv", Version::Private),
    ([0x02, 0x42, 0x85, 0xb5], "Uprv", Version::Private),
    ([0x02, 0x57, 0x50, 0x48], "Vprv", Version::Private),
];

/// What an extended key's version bytes make of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    /// `xpub` or `tpub`: what a policy takes.
    Plain,
    /// A SLIP-132 public key: the same key with version bytes that name a script type.
    Slip132 {
        /// Whether it is one of the mainnet forms.
        mainnet: bool,
    },
    /// A private extended key.
    Private,
}

/// The name and kind of these version bytes, if BIP-32 or SLIP-132 names them.
pub(crate) fn lookup(version: [u8; 4]) -> Option<&'static ([u8; 4], &'static str, Version)> {
    VERSIONS.iter().find(|(v, _, _)| *v == version)
}
