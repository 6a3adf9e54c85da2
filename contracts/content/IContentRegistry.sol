// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC2981} from "@openzeppelin/contracts/interfaces/IERC2981.sol";

/// @title IContentRegistry
/// @notice Distributable works (films, music, books, event tickets) as ERC-721 tokens. A work is registered by a
/// member holding the consortium's CSP (content service provider) role, which the governors vet before granting it
/// (membership admission with that role). A fingerprint (a hash of the media; a perceptual fingerprint is optional
/// off chain) is registered once. The token id derives from the fingerprint and the registrant, never from a counter:
/// its high 160 bits are the registrant's address, the next 16 the resale royalty in basis points, the low 80 the
/// low bits of keccak256(chain id, this contract, fingerprint, registrant) (`tokenIdOf`). Carrying the registrant and
/// royalty in the id saves a storage slot per work, which is what makes registration cheaper than a plain
/// OpenZeppelin mint. The token's holder owns the work; part of the ownership can be sold as shares in basis points
/// (e.g. 30% to an aggregator), the holder keeping the remainder. ERC-2981 signals the creator's resale royalty to
/// marketplaces; royalties for deliveries settle in ContentRoyalties.
interface IContentRegistry is IERC721, IERC2981 {
    /// @notice The caller does not hold the CSP role in the consortium registry, so it may not register works.
    error NotVettedRegistrant(address caller);
    /// @notice `fingerprint` is already registered as `tokenId` (by whoever registered it first).
    error FingerprintRegistered(bytes32 fingerprint, uint256 tokenId);
    /// @notice A royalty above 100% (10,000 basis points).
    error RoyaltyTooHigh(uint16 royaltyBps);
    /// @notice The caller holds neither the token nor a share of it large enough for the transfer.
    error ShareTooSmall(uint256 tokenId, address holder, uint16 held, uint16 wanted);
    /// @notice A zero value, mismatched arrays or the zero address where a value is required; names the argument.
    error InvalidContentArgument(string what);

    /// @notice `registrant` registered the work `tokenId` with content fingerprint `fingerprint` and off-chain
    /// metadata whose hash is `metadataHash` (title, kind, media: never personal data).
    event WorkRegistered(
        uint256 indexed tokenId,
        address indexed registrant,
        bytes32 indexed fingerprint,
        uint16 royaltyBps,
        bytes32 metadataHash
    );
    /// @notice `from` transferred `bps` basis points of the work's ownership to `to`; the token holder's share is the
    /// remainder (10,000 minus every other holder's share). `shareVersion` is the work's new share version.
    event ShareTransferred(
        uint256 indexed tokenId,
        address indexed from,
        address indexed to,
        uint16 bps,
        uint64 shareVersion
    );

    /// @notice Registers one work to the caller and returns its token id (`tokenIdOf(fingerprint, caller, royaltyBps)`).
    function register(bytes32 fingerprint, uint16 royaltyBps, bytes32 metadataHash) external returns (uint256 tokenId);

    /// @notice Registers a catalogue in one transaction, all with the same royalty; ids as for `register`.
    function registerBatch(
        bytes32[] calldata fingerprints,
        uint16 royaltyBps,
        bytes32[] calldata metadataHashes
    ) external returns (uint256[] memory tokenIds);

    /// @notice Moves `bps` of the work's ownership from the caller (the token holder's remainder, or the caller's
    /// share) to `to`. A share moved to the token holder joins its remainder.
    function transferShare(uint256 tokenId, address to, uint16 bps) external;

    /// @notice The token id a registration of `fingerprint` by `registrant` with `royaltyBps` gets.
    function tokenIdOf(bytes32 fingerprint, address registrant, uint16 royaltyBps) external view returns (uint256);

    /// @notice The token registered for `fingerprint`, 0 if none.
    function workOfFingerprint(bytes32 fingerprint) external view returns (uint256 tokenId);

    /// @notice The work's registrant (creator) and its resale royalty.
    function work(uint256 tokenId) external view returns (address registrant, uint16 royaltyBps);

    /// @notice `holder`'s ownership share of the work in basis points (the token holder: the remainder).
    function shareOf(uint256 tokenId, address holder) external view returns (uint16);

    /// @notice Basis points held by holders other than the token holder.
    function sharesSold(uint256 tokenId) external view returns (uint16);

    /// @notice Counts every change of the work's owners (a share transfer, a token transfer); a royalty split
    /// declared under an older version no longer takes payments.
    function shareVersion(uint256 tokenId) external view returns (uint64);

    /// @notice The contract's version, "1.0.0".
    function version() external pure returns (string memory);
}
