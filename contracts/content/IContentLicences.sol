// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IContentLicences
/// @notice Separate rights in a work (distribution, promotion, derivative works) granted as licences: the work's token
/// holder grants root licences, a licensee whose licence allows it grants sub-licences, and a sub-licence never
/// exceeds its parent: its rights and territories are subsets of the parent's, its time window lies inside the
/// parent's, its access count is reserved from the parent's remaining count and its royalty rate is at least the
/// parent's. A licence is revocable by its grantor only if its terms say so; revoking it ends its sub-licences too.
/// The licensee anchors the deliveries it served under a licence in batches (a count and the Merkle root of the
/// delivery records it keeps off chain) per period; the count is what royalties are computed from (ContentRoyalties),
/// and no batch may take the licence past its access count.
/// Licence ids derive from the work, the parent, the grantor, the licensee and a salt the grantor picks
/// (`licenceIdOf`), never from a counter.
interface IContentLicences {
    /// @notice The terms of a licence. Territories are a bit set over the consortium's territory list (bit i is the
    /// i-th code in docs/content.md); rights are a bit set of RIGHT_* flags.
    struct Terms {
        uint8 rights;
        uint256 territories;
        uint64 start;
        uint64 end;
        uint32 maxAccesses;
        uint128 ratePerDelivery;
        bool revocable;
    }

    /// @notice A licence as stored: its terms, who granted it to whom, and its live counters.
    struct Licence {
        uint256 tokenId;
        bytes32 parentId;
        address grantor;
        address licensee;
        Terms terms;
        uint32 delivered;
        uint32 reserved;
        uint8 depth;
        bool revoked;
    }

    /// @notice Why a licence does or does not allow a delivery now (`status`).
    enum Status {
        Valid,
        Unknown,
        Revoked,
        NotStarted,
        Expired,
        Exhausted
    }

    /// @notice The caller may not grant this licence: for a root licence it does not hold the work's token, for a
    /// sub-licence it is not the parent's licensee.
    error NotGrantor(address caller, uint256 tokenId, bytes32 parentId);
    /// @notice The caller is not the licence's licensee.
    error NotLicensee(address caller, bytes32 licenceId);
    /// @notice The caller is not the licence's grantor.
    error NotLicenceGrantor(address caller, bytes32 licenceId);
    /// @notice No licence with this id.
    error UnknownLicence(bytes32 licenceId);
    /// @notice The licence id is taken (the same grantor, work, parent, licensee and salt).
    error LicenceIdTaken(bytes32 licenceId);
    /// @notice The sub-licence's term `term` ("rights", "territories", "start", "end", "accesses", "rate") is wider
    /// than its parent's, or the parent does not allow sub-licensing ("sublicense").
    error SubLicenceExceedsParent(bytes32 parentId, string term);
    /// @notice The licence's terms do not allow its grantor to revoke it.
    error LicenceNotRevocable(bytes32 licenceId);
    /// @notice The licence is not valid for new deliveries or sub-licences now, with the reason.
    error LicenceNotValid(bytes32 licenceId, Status status);
    /// @notice The batch would take the licence past its access count.
    error AccessCountExceeded(bytes32 licenceId, uint32 delivered, uint32 batch, uint32 allowed);
    /// @notice The licensee is not a consortium member.
    error LicenseeNotMember(address licensee);
    /// @notice The sub-licence would sit deeper than MAX_DEPTH below its root licence.
    error LicenceTooDeep(bytes32 parentId, uint8 maxDepth);
    /// @notice Malformed terms or a zero value where one is required; names the argument.
    error InvalidLicenceArgument(string what);

    /// @notice `grantor` granted `licensee` the licence `licenceId` on work `tokenId` (parent 0 for a root licence).
    event LicenceGranted(
        bytes32 indexed licenceId,
        uint256 indexed tokenId,
        bytes32 indexed parentId,
        address grantor,
        address licensee,
        Terms terms
    );
    /// @notice The grantor revoked the licence (and with it every sub-licence below it).
    event LicenceRevoked(bytes32 indexed licenceId, address indexed grantor);
    /// @notice The licensee anchored `count` deliveries in `period` whose records hash to `recordsRoot`.
    event DeliveriesAnchored(
        bytes32 indexed licenceId,
        uint32 indexed period,
        uint32 count,
        bytes32 recordsRoot,
        uint32 delivered
    );

    /// @notice Grants a licence on `tokenId` to `licensee`; `parentId` 0 grants a root licence (the caller must hold
    /// the work's token), otherwise a sub-licence of `parentId` (the caller must be its licensee).
    function grant(
        uint256 tokenId,
        bytes32 parentId,
        address licensee,
        Terms calldata terms,
        bytes32 salt
    ) external returns (bytes32 licenceId);

    /// @notice The grantor revokes a licence whose terms allow it.
    function revoke(bytes32 licenceId) external;

    /// @notice The licensee anchors a batch of `count` deliveries served in `period` (records root `recordsRoot`).
    function anchorDeliveries(bytes32 licenceId, uint32 period, uint32 count, bytes32 recordsRoot) external;

    /// @notice The id `grant` gives for these arguments when `grantor` calls it.
    function licenceIdOf(
        uint256 tokenId,
        bytes32 parentId,
        address grantor,
        address licensee,
        bytes32 salt
    ) external view returns (bytes32);

    /// @notice The licence as stored (reverts UnknownLicence).
    function licence(bytes32 licenceId) external view returns (Licence memory);

    /// @notice Whether the licence (and every licence above it) allows a delivery now, and why not.
    function status(bytes32 licenceId) external view returns (Status);

    /// @notice Deliveries anchored under the licence in `period`.
    function deliveries(bytes32 licenceId, uint32 period) external view returns (uint32);

    /// @notice The registry whose works these licences are on.
    function registry() external view returns (address);

    /// @notice The contract's version, "1.0.0".
    function version() external pure returns (string memory);
}
